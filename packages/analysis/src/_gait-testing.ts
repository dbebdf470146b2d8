// Test helper (not part of the public API): synthetic walkers as analysis inputs.
import { type SynthWalkerOptions, synthesizeWalker } from "@neuropose/gait";

/** A synthetic walker (known events) as a VideoPredictions document (blazepose_33, mm). */
export function walkerPredictions(options: SynthWalkerOptions = {}) {
  const w = synthesizeWalker({ fps: 30, seconds: 12, ...options });
  const { frames: n, joints: J, data } = w.sequence;
  const frames: Record<string, unknown> = {};
  for (let f = 0; f < n; f++) {
    const pose = Array.from({ length: J }, (_, j) =>
      Array.from(data.subarray((f * J + j) * 3, (f * J + j) * 3 + 3)),
    );
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
        poses3d_frame: "camera",
      },
      frames,
      segmentations: {},
      provenance: null,
    },
    truth: w.truth,
  };
}
