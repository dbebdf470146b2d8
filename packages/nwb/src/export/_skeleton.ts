// The skeleton of the exported pose: from the registry by `metadata.skeleton`, or given by the caller.
import { getSkeleton } from "@neuropose/io";
import type { NwbSkeleton } from "../types.js";
import type { VideoPredictionsToNwbOptions } from "./options.js";

/** Resolve `metadata.skeleton` to node names and edges; `joints` is the count seen in the frames (-1: none). */
export function resolveSkeleton(
  name: string,
  options: VideoPredictionsToNwbOptions,
  joints: number,
  issues: string[],
): NwbSkeleton {
  let names: readonly string[];
  let edges: readonly (readonly [number, number])[];
  if (options.skeleton && options.skeleton.name === name) {
    names = options.skeleton.joints;
    edges = options.skeleton.edges;
  } else {
    try {
      const s = getSkeleton(name);
      names = s.joints;
      edges = s.edges;
    } catch {
      issues.push(
        `metadata.skeleton: "${name}" is not a known skeleton; pass options.skeleton with its joint names and edges`,
      );
      names = Array.from({ length: joints }, (_, j) => `joint_${j}`);
      edges = [];
    }
  }
  if (joints >= 0 && names.length !== joints) {
    issues.push(`metadata.skeleton: "${name}" has ${names.length} joints but the frames have ${joints}`);
  }
  return { name, nodes: [...names], edges: edges.map(([a, b]) => [a, b] as [number, number]) };
}
