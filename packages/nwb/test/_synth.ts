// Synthetic VideoPredictions for tests (BlazePose-33-like, deterministic).
import type { VideoPredictions } from "@neuropose/io";

export interface SynthOptions {
  frames?: number;
  persons?: number;
  fps?: number;
  timestamps?: number[];
  withIds?: boolean;
  withVisibility?: boolean;
  skeleton?: string;
  joints?: number;
  /** Frames (by index) where person 1 is missing. */
  dropSecond?: (i: number) => boolean;
}

export function synthPredictions(o: SynthOptions = {}): VideoPredictions {
  const n = o.frames ?? 30;
  const persons = o.persons ?? 1;
  const J = o.joints ?? 33;
  const frames: VideoPredictions["frames"] = {};
  for (let i = 0; i < n; i++) {
    const present = Array.from({ length: persons }, (_, p) => p).filter(
      (p) => !(p === 1 && o.dropSecond?.(i)),
    );
    const poses3d = present.map((p) =>
      Array.from({ length: J }, (_, j) => [Math.sin(i * 0.1 + j) * 100 + p * 1000, j * 10 - i, 2000 + j + p]),
    );
    const poses2d = present.map((p) =>
      Array.from({ length: J }, (_, j) => [100 + j * 3 + p * 200 + i, 50 + j * 7]),
    );
    frames[`frame_${String(i).padStart(6, "0")}`] = {
      boxes: present.map((p) => [10 + p, 20, 100, 200, 0.9]),
      poses3d,
      poses2d,
      ...(o.withVisibility
        ? { visibility: present.map((p) => Array.from({ length: J }, (_, j) => ((i + j + p) % 10) / 10)) }
        : {}),
      ...(o.withIds ? { person_ids: present.map((p) => p + 7) } : {}),
    };
  }
  return {
    schema_version: 3,
    metadata: {
      frame_count: n,
      fps: o.fps ?? 30,
      width: 640,
      height: 480,
      skeleton: o.skeleton ?? "blazepose_33",
      poses3d_unit: "mm",
      poses3d_frame: "camera",
      ...(o.timestamps ? { timestamps: o.timestamps } : {}),
    },
    frames,
    segmentations: {},
    provenance: {
      model_sha256: "ab".repeat(32),
      model_filename: "pose_landmark_full.onnx",
      runtime: "onnxruntime-node",
      runtime_version: "1.30.0",
      execution_provider: "cpu",
      neuropose_version: "0.1.0",
      node_version: "20.19.0",
      python_version: null,
      tensorflow_version: null,
      tensorflow_metal_version: null,
      numpy_version: null,
      seed: null,
      deterministic: false,
      analysis_config: null,
    },
  } as VideoPredictions;
}

/**
 * The tests' usual scene: two tracked people (ids 7 and 8) with visibility, the second missing every
 * `missEvery`-th frame (frame 0 included).
 */
export function trackedPair(frames: number, missEvery: number): VideoPredictions {
  return synthPredictions({
    frames,
    persons: 2,
    withIds: true,
    withVisibility: true,
    dropSecond: (i) => i % missEvery === 0,
  });
}
