// Load/save/migrate of every document kind. Over 500 lines: one section per document kind and version.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blazeposeMetadata } from "../../../config/predictions.js";
import { mulberry32 } from "../../../config/random.js";
import {
  documentSchema,
  FutureSchemaError,
  JobResultsSchema,
  JsonParseError,
  loadBenchmarkResult,
  loadDocument,
  loadJobResults,
  loadStatusFile,
  loadVideoPredictions,
  MigrationError,
  migrateAndValidate,
  NeuroPoseError,
  parseDocument,
  saveDocument,
  saveJobResults,
  saveStatusFile,
  saveStatusFileSync,
  saveVideoPredictions,
  ValidationError,
  validateDocument,
  validateWith,
} from "./index.js";

const tmp = () => mkdtempSync(join(tmpdir(), "np-io-docs-"));

// A v1 file exactly as the original (Python, json.dump(indent=2)) writes it: no schema_version, floats with
// ".0", and bare NaN for a joint MeTRAbs could not place.
const PY_V1 = `{
  "metadata": {
    "frame_count": 2,
    "fps": 29.97,
    "width": 1920,
    "height": 1080
  },
  "frames": {
    "frame_000000": {
      "boxes": [
        [
          612.0,
          200.5,
          300.0,
          700.0,
          0.93
        ]
      ],
      "poses3d": [
        [
          [
            397.5,
            -689.0,
            4510.3
          ],
          [
            NaN,
            NaN,
            NaN
          ]
        ]
      ],
      "poses2d": [
        [
          [
            700.0,
            250.0
          ],
          [
            NaN,
            NaN
          ]
        ]
      ]
    },
    "frame_000001": {
      "boxes": [],
      "poses3d": [],
      "poses2d": []
    }
  }
}`;

// A v2 file as the original writes it: provenance, a segmentation, Infinity / -Infinity somewhere numeric.
const PY_V2 = `{
  "schema_version": 2,
  "metadata": {"frame_count": 1, "fps": 30.0, "width": 640, "height": 480},
  "frames": {"frame_000000": {"boxes": [[1.0, 2.0, 3.0, 4.0, 1.0]], "poses3d": [[[1.0, Infinity, -Infinity]]], "poses2d": [[[4.0, NaN]]]}},
  "segmentations": {"rhee_cycles": {"config": {"extractor": {"kind": "joint_axis", "joint": 41, "axis": 1, "invert": false}, "person_index": 0, "min_distance_seconds": 0.4, "min_prominence": NaN, "min_height": null, "pad_seconds": 0.0, "method": "valley_to_valley_v1"}, "segments": [{"start": 0, "end": 1, "peak": 0}]}},
  "provenance": {"model_sha256": "5e1f2d3c", "model_filename": "metrabs_eff2l_y4_384px_800k_28ds.tar.gz", "tensorflow_version": "2.16.2", "tensorflow_metal_version": null, "numpy_version": "1.26.4", "neuropose_version": "0.2.0", "python_version": "3.11.9", "seed": 7, "deterministic": false, "analysis_config": null}
}`;

function logger() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => lines.push({ level, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

// biome-ignore lint/suspicious/noExplicitAny: tests mutate documents freely
type Doc = Record<string, any>;

describe("files written by the original", () => {
  it("loads a v1 VideoPredictions with bare NaN and migrates it to v3", async () => {
    const dir = tmp();
    const p = join(dir, "v1.json");
    writeFileSync(p, PY_V1);
    const log = logger();
    const preds = await loadVideoPredictions(p, { logger: log });
    expect(preds.schema_version).toBe(3);
    expect(preds.metadata).toEqual({
      frame_count: 2,
      fps: 29.97,
      width: 1920,
      height: 1080,
      skeleton: "berkeley_mhad_43",
      poses3d_unit: "mm",
      poses3d_frame: "camera",
    });
    expect(preds.provenance).toBeNull();
    expect(preds.segmentations).toEqual({});
    expect(preds.frames.frame_000000?.poses3d[0]?.[0]).toEqual([397.5, -689, 4510.3]);
    expect(preds.frames.frame_000000?.poses3d[0]?.[1]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Object.keys(preds.frames)).toEqual(["frame_000000", "frame_000001"]);
    expect(log.lines).toEqual([
      { level: "info", msg: "Migrating VideoPredictions payload from schema_version 1 to 2" },
      { level: "info", msg: "Migrating VideoPredictions payload from schema_version 2 to 3" },
    ]);
  });

  it("loads a v2 VideoPredictions with provenance, segmentation and non-finite numbers", async () => {
    const p = join(tmp(), "v2.json");
    writeFileSync(p, PY_V2);
    const log = logger();
    const preds = await loadDocument("video_predictions", p, { logger: log });
    expect(log.lines.map((l) => l.msg)).toEqual([
      "Migrating VideoPredictions payload from schema_version 2 to 3",
    ]);
    expect(preds.frames.frame_000000?.poses3d).toEqual([
      [[1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
    ]);
    expect(preds.segmentations.rhee_cycles?.config.min_prominence).toBeNaN();
    expect(preds.provenance).toEqual({
      model_sha256: "5e1f2d3c",
      model_filename: "metrabs_eff2l_y4_384px_800k_28ds.tar.gz",
      runtime: "tensorflow",
      runtime_version: "2.16.2",
      execution_provider: null,
      tensorflow_version: "2.16.2",
      tensorflow_metal_version: null,
      numpy_version: "1.26.4",
      neuropose_version: "0.2.0",
      python_version: "3.11.9",
      seed: 7,
      deterministic: false,
      analysis_config: null,
    });
  });

  it("saves them back as valid v3 JSON that loads unchanged", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "v2.json"), PY_V2);
    const preds = await loadVideoPredictions(join(dir, "v2.json"));
    await saveVideoPredictions(join(dir, "out", "v3.json"), preds);
    const text = readFileSync(join(dir, "out", "v3.json"), "utf8");
    const raw = JSON.parse(text); // strict JSON
    expect(raw.schema_version).toBe(3);
    expect(raw.frames.frame_000000.poses3d).toEqual([[[1, "Infinity", "-Infinity"]]]);
    expect(raw.frames.frame_000000.poses2d).toEqual([[[4, "NaN"]]]);
    const log = logger();
    expect(await loadVideoPredictions(join(dir, "out", "v3.json"), { logger: log })).toEqual(preds);
    expect(log.lines).toEqual([]); // current version: no migration
    expect(readdirSync(join(dir, "out"))).toEqual(["v3.json"]);
  });

  it("loads a job's results.json with entries at different versions", async () => {
    const p = join(tmp(), "results.json");
    writeFileSync(p, `{"b.mp4": ${PY_V1}, "a.mp4": ${PY_V2}}`);
    const r = await loadJobResults(p);
    expect(Object.keys(r)).toEqual(["b.mp4", "a.mp4"]);
    expect(r["a.mp4"]?.schema_version).toBe(3);
    expect(r["b.mp4"]?.metadata.skeleton).toBe("berkeley_mhad_43");
    await saveJobResults(p, r);
    expect(await loadJobResults(p)).toEqual(r);
  });

  it("loads a v1 BenchmarkResult", async () => {
    const pass = { total_seconds: 4.5, per_frame_latencies_ms: [120.5, 80.25], peak_rss_mb: 2048.0, active_device: "/CPU:0", tensorflow_version: "2.16.2" };
    const agg = { repeats_measured: 1, warmup_frames_per_pass: 0, mean_frame_latency_ms: 1, p50_frame_latency_ms: 1, p95_frame_latency_ms: 1, p99_frame_latency_ms: 1, stddev_frame_latency_ms: 0, mean_throughput_fps: 10, peak_rss_mb_max: 2048, active_device: "/CPU:0", tensorflow_version: "2.16.2" };
    const p = join(tmp(), "bench.json");
    writeFileSync(p, JSON.stringify({ video_name: "trial_01.mp4", repeats: 2, warmup_frames: 0, warmup_pass: pass, measured_passes: [pass], aggregate: agg }));
    const b = await loadBenchmarkResult(p);
    expect(b.schema_version).toBe(3);
    expect(b.provenance).toBeNull();
    expect(b.cpu_comparison).toBeNull();
    expect(b.warmup_pass.model_load_seconds).toBeNull();
    expect(b.measured_passes[0]?.per_frame_latencies_ms).toEqual([120.5, 80.25]);
  }); // biome-ignore format: fixtures on one line
});

// A v3 provenance as @neuropose/infer writes it for BlazePose: legacy comma-joined fields plus `models`.
const DETECTOR = {
  role: "detector",
  name: "pose_detection",
  filename: "pose_detection.onnx",
  sha256: "1".repeat(64),
  source_sha256: "2".repeat(64),
  source: "@mediapipe/pose@0.5.1675469404/pose_solution_packed_assets.data#bytes=0-2962287",
  converter_version: "0.1.0",
};
const LANDMARK = {
  role: "landmark",
  name: "pose_landmark_full",
  filename: "pose_landmark_full.onnx",
  sha256: "3".repeat(64),
  source_sha256: "4".repeat(64),
  source: "@mediapipe/pose@0.5.1675469404/pose_landmark_full.tflite",
  converter_version: "0.1.0",
};
const PROV = {
  model_sha256: `${"1".repeat(64)},${"3".repeat(64)}`,
  model_filename: "pose_detection.onnx,pose_landmark_full.onnx",
  runtime: "onnxruntime-node",
  runtime_version: "1.30.0",
  execution_provider: "cpu",
  neuropose_version: "0.1.0",
};

describe("provenance.models (several models, optional)", () => {
  const doc = (provenance: unknown) => ({
    schema_version: 3,
    metadata: { ...blazeposeMetadata(0), width: 64, height: 48 },
    frames: {},
    provenance,
  });

  it("round-trips both models through save -> load, with and without the optional entry fields", async () => {
    const bare = { role: "pose", name: "metrabs", filename: "metrabs.onnx", sha256: "5".repeat(64) };
    const d = doc({ ...PROV, models: [DETECTOR, LANDMARK, bare] });
    const p = join(tmp(), "p.json");
    await saveVideoPredictions(p, d as never);
    const onDisk = JSON.parse(readFileSync(p, "utf8"));
    expect(onDisk.provenance.models).toEqual([DETECTOR, LANDMARK, bare]);
    const back = await loadVideoPredictions(p);
    expect(back.provenance?.models).toEqual([DETECTOR, LANDMARK, bare]);
    expect(back.provenance?.model_sha256).toBe(PROV.model_sha256);
  });

  it("is additive: a v3 provenance without it stays without it (no default is filled in)", async () => {
    const p = join(tmp(), "p.json");
    await saveVideoPredictions(p, doc(PROV) as never);
    const back = await loadVideoPredictions(p);
    expect(back.provenance).not.toHaveProperty("models");
    expect(JSON.parse(readFileSync(p, "utf8")).provenance).not.toHaveProperty("models");
  });

  it("is accepted in a benchmark result's provenance too", () => {
    const pass = { total_seconds: 1, per_frame_latencies_ms: [1], peak_rss_mb: 1, active_device: "cpu" };
    const agg = {
      repeats_measured: 1,
      warmup_frames_per_pass: 0,
      mean_frame_latency_ms: 1,
      p50_frame_latency_ms: 1,
      p95_frame_latency_ms: 1,
      p99_frame_latency_ms: 1,
      stddev_frame_latency_ms: 0,
      mean_throughput_fps: 1,
      peak_rss_mb_max: 1,
      active_device: "cpu",
    };
    const b = validateDocument("benchmark_result", {
      video_name: "a.mp4",
      repeats: 1,
      warmup_frames: 0,
      warmup_pass: pass,
      measured_passes: [pass],
      aggregate: agg,
      provenance: { ...PROV, models: [LANDMARK] },
    });
    expect(b.provenance?.models).toEqual([LANDMARK]);
  });
});

describe("validator messages", () => {
  const base = () =>
    ({
      schema_version: 3,
      metadata: {
        frame_count: 1,
        fps: 30,
        width: 640,
        height: 480,
        skeleton: "coco_17",
        poses3d_unit: "m",
        poses3d_frame: "camera",
      },
      frames: { frame_000000: { boxes: [[1, 2, 3, 4, 0.5]], poses3d: [[[1, 2, 3]]], poses2d: [[[1, 2]]] } },
    }) as Doc;

  const cases: [string, (d: Doc) => void, string, string][] = [
    ["string coordinate", (d) => { d.frames.frame_000000.poses3d[0][0][1] = "a"; }, "frames.frame_000000.poses3d[0][0][1]: expected number", "float_parsing"],
    ["null coordinate", (d) => { d.frames.frame_000000.poses2d[0][0][0] = null; }, "frames.frame_000000.poses2d[0][0][0]: expected number", "float_type"],
    ["unknown top-level field", (d) => { d.comment = "x"; }, 'comment: unknown field "comment"', "extra_forbidden"],
    ["unknown frame field", (d) => { d.frames.frame_000000.scores = []; }, 'frames.frame_000000.scores: unknown field "scores"', "extra_forbidden"],
    ["missing metadata", (d) => { delete d.metadata; }, "metadata: required field is missing", "missing"],
    ["missing skeleton", (d) => { delete d.metadata.skeleton; }, "metadata.skeleton: required field is missing", "missing"],
    ["negative fps", (d) => { d.metadata.fps = -1; }, "metadata.fps: must be >= 0", "greater_than_equal"],
    ["NaN fps", (d) => { d.metadata.fps = Number.NaN; }, "metadata.fps: expected number, got NaN", "float_type"],
    ["fractional frame_count", (d) => { d.metadata.frame_count = 1.5; }, "metadata.frame_count: expected integer, got number", "int_from_float"],
    ["negative width", (d) => { d.metadata.width = -1; }, "metadata.width: must be >= 0", "greater_than_equal"],
    ["bad unit", (d) => { d.metadata.poses3d_unit = "cm"; }, 'metadata.poses3d_unit: expected one of "mm", "m"', "enum"],
    ["bad frame", (d) => { d.metadata.poses3d_frame = "lab"; }, 'metadata.poses3d_frame: expected one of "camera", "hip_centered", "world"', "enum"],
    ["timestamps length", (d) => { d.metadata.timestamps = [0, 0.1]; }, "metadata.timestamps: has 2 entries but frame_count is 1", "value_error"],
    ["visibility out of range", (d) => { d.frames.frame_000000.visibility = [[1.5]]; }, "frames.frame_000000.visibility[0][0]: must be in [0, 1]", "less_than_equal"],
    ["visibility persons", (d) => { d.frames.frame_000000.visibility = []; }, "frames.frame_000000.visibility: has 0 person(s) but poses3d has 1", "value_error"],
    ["presence joints", (d) => { d.frames.frame_000000.presence = [[0.5, 0.5]]; }, "frames.frame_000000.presence[0]: has 2 joint(s) but poses3d[0] has 1", "value_error"],
    ["person_ids negative", (d) => { d.frames.frame_000000.person_ids = [-1]; }, "frames.frame_000000.person_ids[0]: must be >= 0", "greater_than_equal"],
    ["old schema_version at validation", (d) => { d.schema_version = 2; }, "schema_version: expected one of 3", "literal_error"],
    ["segment end <= start", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_speed", joint: 0 } }, segments: [{ start: 3, end: 2, peak: 2 }] } }; }, "segmentations.r.segments[0]: end (2) must be > start (3)", "value_error"],
    ["segment peak outside", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_speed", joint: 0 } }, segments: [{ start: 0, end: 2, peak: 2 }] } }; }, "segmentations.r.segments[0]: peak (2) must be in [start, end) = [0, 2)", "value_error"],
    ["segment end 0", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_speed", joint: 0 } }, segments: [{ start: 0, end: 0, peak: 0 }] } }; }, "segmentations.r.segments[0].end: must be > 0", "greater_than"],
    ["extractor axis 3", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_axis", joint: 0, axis: 3 } }, segments: [] } }; }, "segmentations.r.config.extractor.axis: must be <= 2", "less_than_equal"],
    ["extractor same joints", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_pair_distance", joints: [2, 2] } }, segments: [] } }; }, "segmentations.r.config.extractor: joint_pair_distance requires two distinct joints", "value_error"],
    ["extractor negative triplet", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_angle", triplet: [0, -1, 2] } }, segments: [] } }; }, "segmentations.r.config.extractor: joint indices must be non-negative", "value_error"],
    ["extractor unknown kind", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_velocity", joint: 0 } }, segments: [] } }; }, 'segmentations.r.config.extractor: unknown kind "joint_velocity"', "union_tag_invalid"],
    ["extractor bad joint type", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_speed", joint: true } }, segments: [] } }; }, "segmentations.r.config.extractor.joint: expected a joint index (integer >= 0) or a joint name", "union_error"],
    ["negative pad_seconds", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_speed", joint: 0 }, pad_seconds: -0.1 }, segments: [] } }; }, "segmentations.r.config.pad_seconds: must be >= 0", "greater_than_equal"],
    ["bad method", (d) => { d.segmentations = { r: { config: { extractor: { kind: "joint_speed", joint: 0 }, method: "v2" }, segments: [] } }; }, 'segmentations.r.config.method: expected one of "valley_to_valley_v1", "stride_zeni_v1"', "enum"],
    ["provenance missing runtime", (d) => { d.provenance = { model_sha256: "x", model_filename: "m", runtime_version: "1", execution_provider: null, neuropose_version: "0.1.0" }; }, "provenance.runtime: required field is missing", "missing"],
    ["unknown field in a model entry", (d) => { d.provenance = { ...PROV, models: [{ ...DETECTOR, url: "https://x" }] }; }, 'provenance.models[0].url: unknown field "url"', "extra_forbidden"],
    ["model entry missing role", (d) => { const { role: _r, ...m } = DETECTOR; d.provenance = { ...PROV, models: [m] }; }, "provenance.models[0].role: required field is missing", "missing"],
    ["model sha256 not hex", (d) => { d.provenance = { ...PROV, models: [DETECTOR, { ...DETECTOR, sha256: "ABC" }] }; }, "provenance.models[1].sha256: must be a lowercase hex SHA-256 (64 characters)", "string_pattern_mismatch"],
    ["models not a list", (d) => { d.provenance = { ...PROV, models: DETECTOR }; }, "provenance.models: expected array, got object", "list_type"],
    ["odd frame key", (d) => { d.frames["frame 1"] = { boxes: [], poses3d: [], poses2d: {} }; }, 'frames["frame 1"].poses2d: expected array, got object', "list_type"],
  ]; // biome-ignore format: one case per line

  it.each(cases)("%s", (_name, mutate, message, type) => {
    const d = base();
    validateDocument("video_predictions", structuredClone(d)); // the base is valid
    mutate(d);
    let err: unknown;
    try {
      validateDocument("video_predictions", d, { source: "preds.json" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.code).toBe("E_SCHEMA");
    expect(v.kind).toBe("user");
    expect(v.path).toBe("preds.json");
    expect(v.message).toBe(`preds.json: ${message}`);
    expect(v.issues[0]?.type).toBe(type);
  });

  it("collects every problem and counts the rest in the message", () => {
    const d = base();
    d.metadata.fps = -1;
    d.frames.frame_000000.poses3d[0][0][0] = "x";
    d.extra = 1;
    const err = (() => {
      try {
        validateDocument("video_predictions", d);
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(err?.issues.map((i) => i.jsonPath).sort()).toEqual([
      "extra",
      "frames.frame_000000.poses3d[0][0][0]",
      "metadata.fps",
    ]);
    expect(err?.message).toMatch(/\(and 2 more problems\)$/);
  });

  it("accepts encoded non-finite numbers and joint names", () => {
    const d = base();
    d.frames.frame_000000.poses3d[0][0] = ["NaN", "Infinity", "-Infinity"];
    d.segmentations = {
      r: {
        config: { extractor: { kind: "joint_angle", triplet: ["left_hip", "left_knee", "left_ankle"] } },
        segments: [],
      },
    };
    const v = validateDocument("video_predictions", d);
    expect(v.frames.frame_000000?.poses3d[0]?.[0]).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(v.segmentations.r?.config.extractor).toEqual({
      kind: "joint_angle",
      triplet: ["left_hip", "left_knee", "left_ankle"],
    });
  });
});

describe("benchmark validator messages", () => {
  const pass = { total_seconds: 1, per_frame_latencies_ms: [1, 2], peak_rss_mb: 10, active_device: "cpu", runtime: "onnxruntime-node", runtime_version: "1.22.0", execution_provider: "cpu" };
  const agg = { repeats_measured: 1, warmup_frames_per_pass: 0, mean_frame_latency_ms: 1, p50_frame_latency_ms: 1, p95_frame_latency_ms: 1, p99_frame_latency_ms: 1, stddev_frame_latency_ms: 0, mean_throughput_fps: 10, peak_rss_mb_max: 10, active_device: "cpu" };
  const base = (): Doc => ({ video_name: "a.mp4", repeats: 2, warmup_frames: 0, warmup_pass: { ...pass }, measured_passes: [{ ...pass }], aggregate: { ...agg } });
  it.each([
    ["repeats 0", (d: Doc) => { d.repeats = 0; }, "repeats: must be >= 1", "greater_than_equal"],
    ["negative rss", (d: Doc) => { d.warmup_pass.peak_rss_mb = -1; }, "warmup_pass.peak_rss_mb: must be >= 0", "greater_than_equal"],
    ["missing aggregate", (d: Doc) => { delete d.aggregate; }, "aggregate: required field is missing", "missing"],
    ["unknown aggregate field", (d: Doc) => { d.aggregate.p90_frame_latency_ms = 1; }, 'aggregate.p90_frame_latency_ms: unknown field "p90_frame_latency_ms"', "extra_forbidden"],
    ["bad latency", (d: Doc) => { d.measured_passes[0].per_frame_latencies_ms = [1, "slow"]; }, "measured_passes[0].per_frame_latencies_ms[1]: expected number", "float_parsing"],
    ["negative divergence", (d: Doc) => { d.cpu_comparison = { primary_aggregate: agg, cpu_aggregate: agg, speedup: 1, max_poses3d_divergence_mm: -1, frame_count_compared: 1 }; }, "cpu_comparison.max_poses3d_divergence_mm: must be >= 0", "greater_than_equal"],
  ] as const)("%s", (_name, mutate, message, type) => {
    const ok = validateDocument("benchmark_result", base());
    expect(ok.schema_version).toBe(3);
    expect(ok.warmup_pass.execution_provider).toBe("cpu");
    const d = base();
    mutate(d);
    const err = (() => {
      try {
        validateDocument("benchmark_result", d, { source: "bench.json" });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err?.message).toBe(`bench.json: ${message}`);
    expect(err?.issues[0]?.type).toBe(type);
  });
}); // biome-ignore format: table

describe("analysis reports", () => {
  it("round-trip through saveDocument / loadDocument with non-finite statistics", async () => {
    const report = {
      schema_version: 2 as const,
      config: { analysis: { kind: "stats" } },
      provenance: null,
      primary: null,
      reference: null,
      segmentations: {},
      results: {
        kind: "stats" as const,
        statistics: [
          {
            mean: Number.NaN,
            std: 0,
            min: Number.NEGATIVE_INFINITY,
            max: Number.POSITIVE_INFINITY,
            range: Number.NaN,
          },
        ],
        segment_labels: ["all"],
      },
    };
    const p = join(tmp(), "report.json");
    await saveDocument("analysis_report", p, report);
    expect(JSON.parse(readFileSync(p, "utf8")).results.statistics[0].mean).toBe("NaN");
    expect(await loadDocument("analysis_report", p)).toEqual(report);
    writeFileSync(p, JSON.stringify({ ...report, schema_version: 3 }));
    await expect(loadDocument("analysis_report", p)).rejects.toThrow(FutureSchemaError);
  });
});

describe("loading errors", () => {
  it("names the file for missing files, bad JSON, bad versions", async () => {
    const dir = tmp();
    await expect(loadVideoPredictions(join(dir, "nope.json"))).rejects.toMatchObject({
      code: "E_INPUT_MISSING",
    });
    writeFileSync(join(dir, "trunc.json"), PY_V1.slice(0, 100));
    await expect(loadVideoPredictions(join(dir, "trunc.json"))).rejects.toThrow(JsonParseError);
    await expect(loadVideoPredictions(join(dir, "trunc.json"))).rejects.toThrow(
      /trunc\.json: invalid JSON at line \d+, column \d+: unexpected end of input/,
    );
    writeFileSync(join(dir, "future.json"), '{"schema_version": 4}');
    await expect(loadVideoPredictions(join(dir, "future.json"))).rejects.toThrow(FutureSchemaError);
    await expect(loadVideoPredictions(join(dir, "future.json"))).rejects.toThrow(
      "VideoPredictions payload declares schema_version 4, which is newer than this build's CURRENT_VERSION (3). Upgrade NeuroPose.",
    );
    writeFileSync(join(dir, "v0.json"), '{"schema_version": 0}');
    await expect(loadVideoPredictions(join(dir, "v0.json"))).rejects.toThrow(MigrationError);
    writeFileSync(join(dir, "list.json"), "[1]");
    await expect(loadVideoPredictions(join(dir, "list.json"))).rejects.toThrow(
      /list\.json: \(root\): expected object/,
    );
    await expect(loadVideoPredictions(dir)).rejects.toThrow(NeuroPoseError);
  });

  it("saveDocument refuses an invalid document and writes nothing", async () => {
    const dir = tmp();
    const p = join(dir, "x.json");
    await expect(saveDocument("video_predictions", p, { frames: {} } as never)).rejects.toThrow(
      ValidationError,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("parseDocument and migrateAndValidate work without files", () => {
    expect(parseDocument("video_predictions", PY_V1).schema_version).toBe(3);
    expect(migrateAndValidate("job_results", {})).toEqual({});
    expect(() => documentSchema("nope" as never)).toThrow(/unknown document kind/);
  });
});

describe("status file", () => {
  it("treats missing, corrupt and non-object files as empty, with a warning", async () => {
    const dir = tmp();
    for (const [name, content, why] of [
      ["missing.json", undefined, /does not exist/],
      ["corrupt.json", '{"job": {"status": "proc', /not valid JSON/],
      ["list.json", "[1, 2]", /does not hold a JSON object/],
      ["null.json", "null", /does not hold a JSON object/],
    ] as const) {
      const p = join(dir, name);
      if (content !== undefined) writeFileSync(p, content);
      const log = logger();
      expect(await loadStatusFile(p, { logger: log })).toEqual({});
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]?.level).toBe("warn");
      expect(log.lines[0]?.msg).toMatch(why);
    }
  });

  it("round-trips entries and rejects invalid ones", async () => {
    const p = join(tmp(), "out", "status.json");
    await saveStatusFile(p, {
      job1: {
        status: "processing",
        started_at: "2026-01-01T00:00:00Z",
        frames_processed: 10,
        percent_complete: 12.5,
      },
      job2: { status: "failed", started_at: "2026-01-01T00:00:00+00:00", error: "ValueError: no videos" },
    });
    const s = await loadStatusFile(p);
    expect(s.job1).toMatchObject({
      status: "processing",
      frames_processed: 10,
      percent_complete: 12.5,
      completed_at: null,
    });
    expect(s.job2?.error).toBe("ValueError: no videos");
    writeFileSync(p, '{"j": {"status": "done", "started_at": "yesterday"}}');
    const err = await loadStatusFile(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => `${i.jsonPath} ${i.type}`)).toEqual([
      "j.status enum",
      "j.started_at datetime_parsing",
    ]);
    await expect(saveStatusFile(p, { j: { status: "completed", started_at: "x" } })).rejects.toThrow(
      ValidationError,
    );
    expect(() => saveStatusFileSync(p, { j: { status: "completed", started_at: "x" } })).toThrow(
      ValidationError,
    );
    saveStatusFileSync(p, { j: { status: "completed", started_at: "2026-01-02T03:04:05Z" } });
    expect((await loadStatusFile(p)).j?.completed_at).toBeNull();
    await expect(
      saveStatusFile(p, {
        j: { status: "completed", started_at: "2026-01-01T00:00:00Z", percent_complete: 101 },
      }),
    ).rejects.toThrow("status.json: j.percent_complete: must be <= 100");
  });
});

// ---- properties: any valid document survives save -> load unchanged ------------------------------------------

const num = fc.oneof(
  { weight: 8, arbitrary: fc.double({ noDefaultInfinity: false }).map((x) => (Object.is(x, -0) ? 0 : x)) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);
const unit = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  fc.constant(Number.NaN),
);
const nonNeg = fc.double({ min: 0, max: 1e9, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const str = fc.string({ maxLength: 8 });

const frameArb = fc.integer({ min: 0, max: 2 }).chain((persons) =>
  fc.integer({ min: 0, max: 3 }).chain((joints) =>
    fc.record(
      {
        boxes: fc.array(fc.array(num, { minLength: 5, maxLength: 5 }), { minLength: persons, maxLength: persons }),
        poses3d: fc.array(fc.array(fc.array(num, { minLength: 3, maxLength: 3 }), { minLength: joints, maxLength: joints }), { minLength: persons, maxLength: persons }),
        poses2d: fc.array(fc.array(fc.array(num, { minLength: 2, maxLength: 2 }), { minLength: joints, maxLength: joints }), { minLength: persons, maxLength: persons }),
        visibility: fc.array(fc.array(unit, { minLength: joints, maxLength: joints }), { minLength: persons, maxLength: persons }),
        presence: fc.array(fc.array(unit, { minLength: joints, maxLength: joints }), { minLength: persons, maxLength: persons }),
        person_ids: fc.array(fc.nat(), { minLength: persons, maxLength: persons }),
      },
      { requiredKeys: ["boxes", "poses3d", "poses2d"] },
    ),
  ),
); // biome-ignore format: shapes

const extractorArb = fc.oneof(
  fc.record({ kind: fc.constant("joint_axis" as const), joint: fc.oneof(fc.nat(50), fc.constant("rhee")), axis: fc.integer({ min: 0, max: 2 }), invert: fc.boolean() }),
  fc.record({ kind: fc.constant("joint_pair_distance" as const), joints: fc.tuple(fc.nat(20), fc.integer({ min: 21, max: 40 })) }),
  fc.record({ kind: fc.constant("joint_speed" as const), joint: fc.nat(50) }),
  fc.record({ kind: fc.constant("joint_angle" as const), triplet: fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50)) }),
); // biome-ignore format: one per line

const segmentationArb = fc.record({
  config: fc.record({
    extractor: extractorArb,
    person_index: fc.nat(3),
    min_distance_seconds: fc.option(nonNeg, { nil: null }),
    min_prominence: fc.option(num, { nil: null }),
    min_height: fc.option(num, { nil: null }),
    pad_seconds: nonNeg,
    method: fc.constant("valley_to_valley_v1" as const),
  }),
  segments: fc.array(
    fc
      .tuple(fc.nat(1000), fc.integer({ min: 1, max: 100 }), fc.nat(99))
      .map(([start, len, p]) => ({ start, end: start + len, peak: start + (p % len) })),
    { maxLength: 3 },
  ),
});

const provenanceArb = fc.record(
  {
    model_sha256: str,
    model_filename: str,
    models: fc.array(
      fc.record(
        {
          role: fc.constantFrom("detector", "landmark", "pose"),
          name: fc.string({ minLength: 1 }),
          filename: fc.string({ minLength: 1 }),
          sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
          source_sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
          source: fc.string({ minLength: 1 }),
          converter_version: fc.string({ minLength: 1 }),
        },
        { requiredKeys: ["role", "name", "filename", "sha256"] },
      ),
      { maxLength: 2 },
    ),
    runtime: str,
    runtime_version: str,
    execution_provider: fc.option(str, { nil: null }),
    neuropose_version: str,
    node_version: fc.option(str, { nil: null }),
    python_version: fc.option(str, { nil: null }),
    tensorflow_version: fc.option(str, { nil: null }),
    seed: fc.option(fc.integer(), { nil: null }),
    deterministic: fc.boolean(),
    analysis_config: fc.option(
      fc.dictionary(
        str,
        fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v))),
      ),
      { nil: null },
    ),
  },
  {
    requiredKeys: [
      "model_sha256",
      "model_filename",
      "runtime",
      "runtime_version",
      "execution_provider",
      "neuropose_version",
      "seed",
      "deterministic",
      "analysis_config",
    ],
  },
);

const videoPredictionsArb = fc.array(frameArb, { maxLength: 4 }).chain((frames) =>
  fc.record({
    schema_version: fc.constant(3 as const),
    metadata: fc.record(
      {
        frame_count: fc.constant(frames.length),
        fps: nonNeg,
        width: fc.nat(),
        height: fc.nat(),
        skeleton: fc.constantFrom("berkeley_mhad_43", "blazepose_33", "custom"),
        poses3d_unit: fc.constantFrom("mm" as const, "m" as const),
        poses3d_frame: fc.constantFrom("camera" as const, "hip_centered" as const),
        timestamps: fc.array(num, { minLength: frames.length, maxLength: frames.length }),
      },
      {
        requiredKeys: ["frame_count", "fps", "width", "height", "skeleton", "poses3d_unit", "poses3d_frame"],
      },
    ),
    frames: fc.constant(Object.fromEntries(frames.map((f, i) => [`frame_${String(i).padStart(6, "0")}`, f]))),
    segmentations: fc.dictionary(str, segmentationArb, { maxKeys: 2 }),
    provenance: fc.option(provenanceArb, { nil: null }),
  }),
);

describe("properties", () => {
  it("any valid VideoPredictions survives save -> load unchanged (NaN and infinities included)", async () => {
    const dir = tmp();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(videoPredictionsArb, async (doc) => {
        const valid = validateDocument("video_predictions", doc);
        expect(valid).toEqual(doc); // generated documents are already in parsed form
        const p = join(dir, `p${n++}.json`);
        await saveVideoPredictions(p, doc);
        expect(await loadVideoPredictions(p)).toEqual(doc);
      }),
      { numRuns: 60 },
    );
  });

  it("any valid job results and status file survive save -> load unchanged", async () => {
    const dir = tmp();
    const iso = fc
      .integer({ min: 0, max: 4102444800000 })
      .map((ms) => new Date(ms).toISOString());
    const entry = fc.record({
      status: fc.constantFrom("processing" as const, "completed" as const, "failed" as const),
      started_at: iso,
      completed_at: fc.option(iso, { nil: null }),
      results_path: fc.option(str, { nil: null }),
      error: fc.option(str, { nil: null }),
      current_video: fc.option(str, { nil: null }),
      frames_processed: fc.option(fc.nat(), { nil: null }),
      frames_total: fc.option(fc.nat(), { nil: null }),
      videos_completed: fc.option(fc.nat(), { nil: null }),
      videos_total: fc.option(fc.nat(), { nil: null }),
      percent_complete: fc.option(fc.double({ min: 0, max: 100, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x)), { nil: null }),
      last_update: fc.option(iso, { nil: null }),
      pruned_at: fc.option(iso, { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(fc.dictionary(str, entry, { maxKeys: 4 }), fc.dictionary(str, videoPredictionsArb, { maxKeys: 2 }), async (status, jobs) => {
        const sp = join(dir, "status.json");
        await saveStatusFile(sp, status);
        expect(await loadStatusFile(sp)).toEqual(status);
        const jp = join(dir, "results.json");
        expect(JobResultsSchema.parse(jobs)).toEqual(jobs);
        await saveJobResults(jp, jobs);
        expect(await loadJobResults(jp)).toEqual(jobs);
      }),
      { numRuns: 30 },
    );
  }); // biome-ignore format: generators
});

describe("predictions validation in plain loops (issue 11)", () => {
  // validateDocument checks frames without zod; the schema is the reference: same value, or the same error.
  const outcome = (raw: unknown) => {
    try {
      return { value: validateDocument("video_predictions", raw) as unknown, error: undefined };
    } catch (e) {
      return { value: undefined, error: (e as Error).message };
    }
  };
  const bad: unknown[] = ["NaN", "x", null, -1, 2, [], {}, [[1, 2]], 1.5, true];
  it("gives the schema's answer on valid frames and on frames with one value broken", () => {
    const rnd = mulberry32(11);
    fc.assert(
      fc.property(videoPredictionsArb, fc.nat(), (doc, pick) => {
        const plain = JSON.parse(JSON.stringify(doc, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));
        const keys = Object.keys(plain.frames);
        if (keys.length > 0) {
          const frame = plain.frames[keys[pick % keys.length] as string] as Record<string, unknown>;
          const fields = Object.keys(frame);
          const field = fields[pick % fields.length] as string;
          const r = rnd();
          if (r < 0.25) frame[field] = bad[pick % bad.length];
          else if (r < 0.5) frame.extra = 1;
          else if (r < 0.75 && Array.isArray(frame[field]) && (frame[field] as unknown[]).length > 0)
            (frame[field] as unknown[])[0] = bad[pick % bad.length];
        }
        const ref = documentSchema("video_predictions").safeParse(plain, { reportInput: true });
        const got = outcome(plain);
        if (ref.success) expect(got.value).toEqual(ref.data);
        else {
          expect(got.value).toBeUndefined();
          let whole = "";
          try {
            validateWith(documentSchema("video_predictions"), plain);
          } catch (e) {
            whole = (e as Error).message;
          }
          expect(got.error).toBe(whole);
        }
      }),
      { numRuns: 100 },
    );
  }); // biome-ignore format: generators
  it("parseDocument keeps the parsed frames (no copy) and gives the schema's value, keys in the schema's order", () => {
    fc.assert(
      fc.property(videoPredictionsArb, fc.boolean(), (doc, shuffle) => {
        const plain = JSON.parse(JSON.stringify(doc, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));
        // frames written with their keys in another order are copied into the schema's order
        if (shuffle) for (const k of Object.keys(plain.frames)) plain.frames[k] = Object.fromEntries(Object.entries(plain.frames[k]).reverse());
        const text = JSON.stringify(plain);
        const ref = documentSchema("video_predictions").parse(JSON.parse(text));
        expect(JSON.stringify(parseDocument("video_predictions", text))).toBe(JSON.stringify(ref));
      }),
      { numRuns: 60 },
    );
  }); // biome-ignore format: generators
});
