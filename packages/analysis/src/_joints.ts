// Joints written by name in an analysis config (`angle_triplets: [[left_hip, left_knee, left_ankle]]`) are resolved
// here, per input file, against the file's skeleton (metadata.skeleton; v1/v2 files migrate to berkeley_mhad_43).
import {
  type AnalysisConfig,
  type AnalysisReport,
  type ExtractorSpec,
  getSkeleton,
  isNeuroPoseError,
  SKELETON_NAMES,
  type Skeleton,
} from "@neuropose/io";
import { resolveJoint } from "@neuropose/kinematics";
import { AnalysisRunError } from "./errors.js";

type Joint = number | string;
type Key = string | number;

/** One joint field of the config: where it is (YAML path) and what was written there. */
interface JointField {
  field: Key[];
  value: Joint;
  /** Writes the resolved index back into an indexed copy of the config. */
  set: (config: AnalysisConfig, index: number) => void;
}

/** The resolved joints of a report (`report.resolved_joints`). */
export type ResolvedJoints = NonNullable<AnalysisReport["resolved_joints"]>;

/** The fields of an extractor's joint list (`joints` of a pair distance, `triplet` of an angle), one a joint. */
function listFields(
  joints: readonly Joint[],
  prefix: Key[],
  key: "joints" | "triplet",
  get: (c: AnalysisConfig) => ExtractorSpec,
): JointField[] {
  return joints.map((value, k) => ({
    field: [...prefix, key, k],
    value,
    set: (c, i) => {
      (get(c) as unknown as Record<typeof key, Joint[]>)[key][k] = i;
    },
  }));
}

function extractorJointFields(
  e: ExtractorSpec,
  prefix: Key[],
  get: (c: AnalysisConfig) => ExtractorSpec,
): JointField[] {
  switch (e.kind) {
    case "joint_axis":
    case "joint_speed":
      return [
        {
          field: [...prefix, "joint"],
          value: e.joint,
          set: (c, i) => {
            (get(c) as { joint: Joint }).joint = i;
          },
        },
      ];
    case "joint_pair_distance":
      return listFields(e.joints, prefix, "joints", get);
    case "joint_angle":
      return listFields(e.triplet, prefix, "triplet", get);
    default:
      return [];
  }
}

/** Every joint field of a config (index or name), in config order. */
function jointFields(config: AnalysisConfig): JointField[] {
  const out: JointField[] = [];
  const seg = config.segmentation;
  if (seg?.kind === "extractor") {
    out.push(
      ...extractorJointFields(
        seg.extractor,
        ["segmentation", "extractor"],
        (c) => (c.segmentation as { extractor: ExtractorSpec }).extractor,
      ),
    );
  }
  const a = config.analysis;
  if (a.kind === "dtw") {
    (a.angle_triplets ?? []).forEach((t, k) => {
      t.forEach((value, m) => {
        out.push({
          field: ["analysis", "angle_triplets", k, m],
          value,
          set: (c, i) => {
            ((c.analysis as { angle_triplets: Joint[][] }).angle_triplets[k] as Joint[])[m] = i;
          },
        });
      });
    });
    for (const key of ["joint_i", "joint_j"] as const) {
      const value = a[key];
      if (value !== null) {
        out.push({
          field: ["analysis", key],
          value,
          set: (c, i) => {
            (c.analysis as Record<string, unknown>)[key] = i;
          },
        });
      }
    }
  } else if (a.kind === "stats") {
    out.push(
      ...extractorJointFields(
        a.extractor,
        ["analysis", "extractor"],
        (c) => (c.analysis as { extractor: ExtractorSpec }).extractor,
      ),
    );
  }
  return out;
}

/** True when the config writes at least one joint by name (gait_cycles' `joint` aside, always a name). */
export function hasJointNames(config: AnalysisConfig): boolean {
  return jointFields(config).some((f) => typeof f.value === "string");
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** The joint name of `skeleton` closest to `name` (edit distance, case-insensitive), if one is close and unique. */
export function closeJointName(name: string, skeleton: Skeleton): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const j of skeleton.joints) {
    const d = levenshtein(lower, j.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = j;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return best !== undefined && !tie && bestD <= limit ? best : undefined;
}

/** Where a resolution error points: `<config> <field>` (as config errors do), or the field alone. */
function where(field: Key[], configName: string | undefined): string {
  const f = field.join(".");
  return configName ? `${configName} ${f}` : f;
}

/** One input's skeleton as recorded in its metadata (v1/v2 inputs migrate to berkeley_mhad_43). */
export interface InputSkeleton {
  /** The input as written in the config. */
  path: string;
  /** metadata.skeleton (undefined / null: unknown). */
  skeleton: string | null | undefined;
}

/** The result of resolving a config's joints for one input. */
interface Resolution {
  input: InputSkeleton;
  indices: (number | undefined)[];
}

function resolveFor(fields: JointField[], input: InputSkeleton, configName: string | undefined): Resolution {
  const indices: (number | undefined)[] = [];
  let skeleton: Skeleton | undefined;
  for (const f of fields) {
    if (typeof f.value === "number") {
      indices.push(f.value);
      continue;
    }
    const name = f.value;
    if (skeleton === undefined) {
      const s = input.skeleton;
      if (typeof s !== "string" || !(SKELETON_NAMES as readonly string[]).includes(s)) {
        throw new AnalysisRunError(
          "E_SKELETON_UNKNOWN",
          `joint name '${name}' cannot be resolved: ${input.path} has ${
            typeof s === "string" ? `skeleton '${s}', which is not a registered skeleton` : "no skeleton"
          } (registered: ${SKELETON_NAMES.join(", ")})`,
          { path: where(f.field, configName), hint: "write this file's joints by index", kind: "user" },
        );
      }
      skeleton = getSkeleton(s);
    }
    try {
      indices.push(resolveJoint(name, skeleton));
    } catch (e) {
      if (!isNeuroPoseError(e)) throw e;
      const close = closeJointName(name, skeleton);
      const elsewhere = SKELETON_NAMES.filter(
        (n) => n !== skeleton?.name && getSkeleton(n).joints.includes(name),
      );
      const also = elsewhere.length > 0 ? ` ('${name}' is a joint of ${elsewhere.join(", ")})` : "";
      throw new AnalysisRunError(
        "E_JOINT_UNKNOWN",
        `unknown joint '${name}' for skeleton ${skeleton.name} of ${input.path}${also}${
          close ? `; did you mean '${close}'?` : ""
        }`,
        {
          path: where(f.field, configName),
          hint: close ? undefined : `valid joints of ${skeleton.name}: ${skeleton.joints.join(", ")}`,
          kind: "user",
          cause: e,
        },
      );
    }
  }
  return { input, indices };
}

/**
 * Resolve the joints written by name in `config` against the skeleton of every input. Returns `config` with every
 * joint as an index (for computing) and, when a name was written, the record for `report.resolved_joints`.
 * Throws `E_JOINT_UNKNOWN` (a name the input's skeleton lacks: names the YAML field, a close match or the valid
 * names), `E_SKELETON_UNKNOWN` (a name for an input whose skeleton is not registered) and
 * `E_JOINT_SKELETON_MISMATCH` (inputs of different skeletons where a name resolves to different indices).
 * Index-only configs are returned unchanged (null record).
 */
export function resolveConfigJoints(
  config: AnalysisConfig,
  inputs: InputSkeleton[],
  configName?: string,
): { config: AnalysisConfig; resolved: ResolvedJoints | null } {
  const fields = jointFields(config);
  if (!fields.some((f) => typeof f.value === "string") || inputs.length === 0) {
    return { config, resolved: null };
  }
  const all = inputs.map((i) => resolveFor(fields, i, configName));
  const first = all[0] as Resolution;
  for (const r of all.slice(1)) {
    const k = r.indices.findIndex((v, n) => v !== first.indices[n]);
    if (k >= 0) {
      const f = fields[k] as JointField;
      throw new AnalysisRunError(
        "E_JOINT_SKELETON_MISMATCH",
        `inputs use different skeletons and joint '${String(f.value)}' resolves differently: index ${
          first.indices[k]
        } in ${first.input.path} (${first.input.skeleton}), ${r.indices[k]} in ${r.input.path} (${
          r.input.skeleton
        })`,
        {
          path: where(f.field, configName),
          hint: "compare trials of one skeleton, or write joints by index",
          kind: "user",
        },
      );
    }
  }
  const indexed = structuredClone(config);
  fields.forEach((f, n) => {
    f.set(indexed, first.indices[n] as number);
  });
  const resolved: ResolvedJoints = {
    inputs: Object.fromEntries(inputs.map((i) => [i.path, String(i.skeleton)])),
  };
  const a = indexed.analysis;
  if (a.kind === "dtw") {
    const out: NonNullable<ResolvedJoints["analysis"]> = {};
    if (a.angle_triplets) out.angle_triplets = a.angle_triplets as [number, number, number][];
    if (a.joint_i !== null) out.joint_i = a.joint_i as number;
    if (a.joint_j !== null) out.joint_j = a.joint_j as number;
    if (Object.keys(out).length > 0) resolved.analysis = out;
  } else if (a.kind === "stats") {
    resolved.analysis = { extractor: a.extractor };
  }
  // After `analysis`: the keys follow AnalysisReportSchema, so the validated report writes in this order.
  if (indexed.segmentation?.kind === "extractor") {
    resolved.segmentation = { extractor: indexed.segmentation.extractor };
  }
  return { config: indexed, resolved };
}

/**
 * Check the gait_cycles `joint` (always a name, `rhee` by default) against one input's registered skeleton, so
 * that a wrong name fails with the YAML field and a close match rather than deep inside segmentation.
 */
export function checkGaitJoint(config: AnalysisConfig, input: InputSkeleton, configName?: string): void {
  const seg = config.segmentation;
  if (seg?.kind !== "gait_cycles") return;
  const s = input.skeleton;
  if (typeof s !== "string" || !(SKELETON_NAMES as readonly string[]).includes(s)) return;
  resolveFor([{ field: ["segmentation", "joint"], value: seg.joint, set: () => {} }], input, configName);
}
