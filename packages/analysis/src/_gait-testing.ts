// Test helper (not part of the public API): synthetic walkers as analysis inputs.
import { type SynthWalkerOptions, synthesizeWalker } from "@neuropose/gait";

/**
 * A synthetic walker (known events) as a VideoPredictions document (blazepose_33, mm): y-down camera frame, or
 * with `lab` the z-up lab frame `neuropose-infer --cameras` writes (x, z, −y: a proper rotation, moved 2 m / 3 m
 * into the lab), declaring `lab.up` as `poses3d_up` (null: declaring nothing).
 */
export function walkerPredictions(options: SynthWalkerOptions = {}, lab?: { up: string | null }) {
  const w = synthesizeWalker({ fps: 30, seconds: 12, ...options });
  const { frames: n, joints: J, data } = w.sequence;
  const frames: Record<string, unknown> = {};
  for (let f = 0; f < n; f++) {
    const pose = Array.from({ length: J }, (_, j) => {
      const [x, y, z] = data.subarray((f * J + j) * 3, (f * J + j) * 3 + 3) as unknown as number[];
      return lab ? [(x as number) + 2000, (z as number) + 3000, -(y as number)] : [x, y, z];
    });
    frames[`frame_${String(f).padStart(6, "0")}`] = {
      boxes: [[0, 0, 100, 200, 0.9]],
      poses3d: [pose],
      poses2d: [pose.map((p) => [p[0] as number, p[1] as number])],
    };
  }
  return {
    doc: {
      schema_version: 3,
      metadata: {
        frame_count: n,
        fps: w.fps,
        width: 1920,
        height: 1080,
        skeleton: "blazepose_33",
        poses3d_unit: "mm",
        poses3d_frame: lab ? "world" : "camera",
        ...(lab?.up ? { poses3d_up: lab.up } : {}),
      },
      frames,
      segmentations: {},
      provenance: null,
    },
    truth: w.truth,
  };
}
