import { UsageError } from "@neuropose/cli-kit";
import { loadVideoPredictions, type Segmentation, saveVideoPredictions } from "@neuropose/io";
import { segmentGaitCycles, segmentGaitCyclesBilateral } from "@neuropose/segment";
import type { Out } from "../_shared/context.js";

export interface SegmentArgs {
  predictions: string;
  method: "valley_to_valley_v1" | "stride_zeni_v1";
  joint?: string | undefined;
  axis: "x" | "y" | "z";
  invert: boolean;
  "min-cycle": number;
  person: number;
  name?: string | undefined;
  force: boolean;
}

/** Segments and writes the predictions file back atomically (the original's `segment`). */
export async function runSegment(args: SegmentArgs, out: Out = process.stdout): Promise<number> {
  const preds = await loadVideoPredictions(args.predictions);
  const common = {
    method: args.method,
    axis: args.axis,
    invert: args.invert,
    minCycleSeconds: args["min-cycle"],
    personIndex: args.person,
  };
  const found: Record<string, Segmentation> = {};
  if (args.joint !== undefined) {
    const joint = /^\d+$/.test(args.joint) ? Number(args.joint) : args.joint;
    found[args.name ?? `${args.joint}_cycles`] = segmentGaitCycles(preds, { ...common, joint });
  } else {
    if (args.name !== undefined)
      throw new UsageError(
        "--name needs --joint (both heels are stored as left_heel_strikes and right_heel_strikes)",
      );
    const both = segmentGaitCyclesBilateral(preds, common);
    found.left_heel_strikes = both.left_heel_strikes;
    found.right_heel_strikes = both.right_heel_strikes;
  }
  const existing = Object.keys(found).filter((n) => Object.hasOwn(preds.segmentations ?? {}, n));
  if (existing.length && !args.force) {
    throw new UsageError(
      `the predictions already hold segmentation ${existing.map((n) => `"${n}"`).join(", ")}`,
      {
        path: args.predictions,
        hint: "pass --force to replace it, or --name to add another",
      },
    );
  }
  await saveVideoPredictions(args.predictions, {
    ...preds,
    segmentations: { ...(preds.segmentations ?? {}), ...found },
  });
  for (const [name, s] of Object.entries(found)) out.write(`${name}: ${s.segments.length} segment(s)\n`);
  return 0;
}
