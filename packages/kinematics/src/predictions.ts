import { KinematicsError } from "./errors.js";
import type { PoseSequence } from "./sequence.js";

/**
 * The part of a `VideoPredictions` document (from `@neuropose/io`) that the math needs: frames in insertion
 * order, each with `poses3d[person][joint][xyz]`. Any io `VideoPredictions` satisfies it.
 */
export interface PredictionsLike {
  readonly metadata?: { readonly fps?: number; readonly skeleton?: string | null | undefined } | undefined;
  readonly frames: Readonly<
    Record<string, { readonly poses3d: readonly (readonly (readonly number[])[])[] }>
  >;
}

export interface PredictionsToSequenceOptions {
  /** Which detected person to take from every frame (default 0). */
  personIndex?: number;
}

/**
 * Convert predictions to a pose sequence (the original's `predictions_to_numpy`): one frame per entry of
 * `frames`, in insertion order, taking person `personIndex` of each. Throws `E_NO_FRAMES` for zero frames and
 * `E_PERSON_INDEX` when a frame has too few detections.
 *
 * @example
 * ```ts
 * import { predictionsToSequence } from "@neuropose/kinematics";
 * const preds = { frames: { frame_000000: { poses3d: [[[1, 2, 3]], [[4, 5, 6]]] } } };
 * predictionsToSequence(preds, { personIndex: 1 }).data; // Float64Array [4, 5, 6]
 * ```
 */
export function predictionsToSequence(
  preds: PredictionsLike,
  options: PredictionsToSequenceOptions = {},
): PoseSequence {
  const person = options.personIndex ?? 0;
  if (!Number.isInteger(person) || person < 0) {
    throw new KinematicsError("E_PERSON_INDEX", `person_index must be a non-negative integer; got ${person}`);
  }
  const names = Object.keys(preds.frames);
  if (names.length === 0) throw new KinematicsError("E_NO_FRAMES", "predictions contains zero frames");
  let joints = -1;
  let data: Float64Array | undefined;
  names.forEach((name, f) => {
    const perPerson = preds.frames[name].poses3d;
    if (person >= perPerson.length) {
      throw new KinematicsError(
        "E_PERSON_INDEX",
        `frame ${name} has ${perPerson.length} detections; person_index=${person} is out of range`,
        { hint: "choose a person index that every frame has, or fill missing detections first" },
      );
    }
    const pose = perPerson[person];
    if (joints < 0) {
      joints = pose.length;
      data = new Float64Array(names.length * joints * 3);
    } else if (pose.length !== joints) {
      throw new KinematicsError(
        "E_POSE_SHAPE",
        `frame ${name} has ${pose.length} joints for person ${person}; earlier frames have ${joints}`,
      );
    }
    for (let j = 0; j < joints; j++) {
      const p = pose[j];
      if (p.length !== 3) {
        throw new KinematicsError("E_POSE_SHAPE", `frame ${name}, joint ${j}: expected 3 coordinates`);
      }
      const o = (f * joints + j) * 3;
      data![o] = p[0];
      data![o + 1] = p[1];
      data![o + 2] = p[2];
    }
  });
  return { frames: names.length, joints, data: data! };
}
