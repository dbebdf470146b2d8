import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { mulberry32 as rng } from "../../../config/random.js";
import {
  type FramePrediction,
  loadJobResults,
  loadVideoPredictions,
  openJobResultsWriter,
  openVideoPredictionsWriter,
  parseTempName,
  readVideoPredictionsStream,
  saveJobResults,
  saveVideoPredictions,
  stringifyJson,
  type VideoPredictionsInput,
} from "./index.js";

const tmp = () => mkdtempSync(join(tmpdir(), "np-io-stream-"));

function makeDoc(seed: number, frames: number, opts: { nan?: boolean; joints?: number } = {}) {
  const r = rng(seed);
  const J = opts.joints ?? 5;
  const num = () => {
    const x = r();
    if (opts.nan && x < 0.02) return Number.NaN;
    if (x < 0.04) return 0;
    if (x < 0.05) return -0.5;
    return Math.round((x - 0.3) * 1e6) / 1e3;
  };
  const unit = () => Math.round(r() * 1e5) / 1e5;
  const out: Record<string, FramePrediction> = {};
  const timestamps: number[] = [];
  for (let f = 0; f < frames; f++) {
    const people = Math.floor(r() * 3);
    const ids = Array.from({ length: people }, (_, p) => p + Math.floor(r() * 2));
    const frame: FramePrediction = {
      boxes: ids.map(() => [num(), num(), Math.abs(num()), Math.abs(num()), unit()]),
      poses3d: ids.map(() => Array.from({ length: J }, () => [num(), num(), num()])),
      poses2d: ids.map(() => Array.from({ length: J }, () => [num(), num()])),
      visibility: ids.map(() => Array.from({ length: J }, unit)),
      presence: ids.map(() => Array.from({ length: J }, unit)),
      person_ids: [...new Set(ids)].length === ids.length ? ids : ids.map((_, p) => p),
    };
    if (r() < 0.3) delete frame.visibility;
    out[`frame_${String(f).padStart(6, "0")}`] = frame;
    timestamps.push(Math.round(f * 33.3667) / 1000);
  }
  const doc: VideoPredictionsInput = {
    metadata: {
      frame_count: frames,
      fps: 29.97,
      width: 640,
      height: 480,
      skeleton: "blazepose_33",
      poses3d_unit: "mm",
      poses3d_frame: "hip_centered",
      timestamps,
    },
    frames: out,
    segmentations:
      seed % 2 === 0
        ? {
            frames: {
              config: { extractor: { kind: "joint_axis", joint: 1, axis: 1 } },
              segments: [{ start: 0, end: 2, peak: 1 }],
            },
          }
        : {},
    provenance:
      seed % 3 === 0
        ? null
        : {
            model_sha256: "a".repeat(64),
            model_filename: "m.onnx",
            runtime: "onnxruntime-node",
            runtime_version: "1.30.0",
            execution_provider: "cpu",
            neuropose_version: "0.1.0",
            analysis_config: { frames: {}, note: 'say "frames": {}' },
          },
  };
  return doc;
}

async function streamTo(path: string, doc: VideoPredictionsInput, indent?: number) {
  const w = await openVideoPredictionsWriter(path, indent === undefined ? {} : { indent });
  for (const f of Object.values(doc.frames)) await w.writeFrame(f);
  const { frames: _f, ...rest } = doc;
  await w.finish(rest);
}

async function streamJob(path: string, docs: Record<string, VideoPredictionsInput>, indent: number) {
  const job = await openJobResultsWriter(path, { indent });
  for (const [name, doc] of Object.entries(docs)) {
    const v = await job.video(name);
    for (const f of Object.values(doc.frames)) await v.writeFrame(f);
    const { frames: _f, ...rest } = doc;
    await v.finish(rest);
  }
  await job.finish();
}

describe("streaming predictions writer", () => {
  it("writes byte for byte what saveVideoPredictions writes (seeded documents, indent 2 and 0)", async () => {
    const dir = tmp();
    for (const [seed, n] of [
      [1, 0],
      [2, 1],
      [3, 7],
      [4, 40],
      [5, 3],
      [6, 25],
    ] as const) {
      const doc = makeDoc(seed, n, { nan: seed > 3 });
      for (const indent of [2, 0]) {
        const a = join(dir, `a${seed}-${indent}.json`);
        const b = join(dir, `b${seed}-${indent}.json`);
        await saveVideoPredictions(a, doc, { indent });
        await streamTo(b, doc, indent);
        expect(readFileSync(b, "utf8"), `seed ${seed} indent ${indent}`).toBe(readFileSync(a, "utf8"));
      }
    }
    // only the final files remain: the frame spools and temps are gone
    expect(readdirSync(dir).filter((n) => parseTempName(n) !== null)).toEqual([]);
  });

  it("accepts and refuses exactly the frames saveVideoPredictions accepts and refuses", async () => {
    const dir = tmp();
    const base = makeDoc(50, 1).frames.frame_000000!;
    const one = { ...base, poses3d: [[[1, 2, 3]]], poses2d: [[[1, 2]]], boxes: [[1, 2, 3, 4, 0.5]] };
    const variants: unknown[] = [
      { ...one, visibility: [[0.5]], presence: [[0.5]], person_ids: [0], pose_presence: [0.7] },
      { ...one, visibility: [[1.5]], presence: [[0.5]], person_ids: [0] },
      { ...one, visibility: [["NaN"]], presence: [[0.5]], person_ids: [0] },
      { ...one, visibility: [[0.5, 0.5]], presence: [[0.5]], person_ids: [0] },
      { ...one, visibility: undefined, presence: undefined, person_ids: [1.5] },
      { ...one, visibility: undefined, presence: undefined, person_ids: [-1] },
      { ...one, visibility: undefined, presence: undefined, person_ids: [0, 1] },
      { ...one, visibility: undefined, presence: undefined, person_ids: [0], pose_presence: [2] },
      { boxes: [["Infinity", 1, 2, 3, 0.5]], poses3d: [[[Number.NaN, 2, 3]]], poses2d: [[[1, 2]]] },
      { boxes: [[1]], poses3d: [[[1, 2, "x"]]], poses2d: [[[1, 2]]] },
      { boxes: [], poses3d: [], poses2d: [], extra: 1 },
      { person_ids: [0], boxes: [[1]], poses2d: [[[1, 2]]], poses3d: [[[1, 2, 3]]] },
    ];
    for (const [i, f] of variants.entries()) {
      const doc = { ...makeDoc(51, 0), frames: { frame_000000: f } } as unknown as VideoPredictionsInput;
      const a = join(dir, `a${i}.json`);
      const b = join(dir, `b${i}.json`);
      const saved = await saveVideoPredictions(a, doc).then(
        () => "ok",
        (e: Error) => e.message,
      );
      const streamed = await streamTo(b, doc).then(
        () => "ok",
        (e: Error) => e.message,
      );
      expect(streamed === "ok", `variant ${i}: ${saved} / ${streamed}`).toBe(saved === "ok");
      if (saved === "ok") expect(readFileSync(b, "utf8")).toBe(readFileSync(a, "utf8"));
    }
  });

  it("a stream destination (stdout) gets the same bytes", async () => {
    const dir = tmp();
    const doc = makeDoc(8, 12, { nan: true });
    await saveVideoPredictions(join(dir, "a.json"), doc, { indent: 0 });
    const sink = new PassThrough();
    let text = "";
    sink.on("data", (d) => (text += d));
    const w = await openVideoPredictionsWriter(sink, { indent: 0, tempDir: dir });
    for (const f of Object.values(doc.frames)) await w.writeFrame(f);
    const { frames: _f, ...rest } = doc;
    await w.finish(rest);
    expect(text).toBe(readFileSync(join(dir, "a.json"), "utf8"));
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("a JobResults file streamed one video at a time equals saveJobResults", async () => {
    const dir = tmp();
    const docs = { "a.mp4": makeDoc(11, 4, { nan: true }), "b.mp4": makeDoc(12, 0), "c.mp4": makeDoc(13, 9) };
    for (const indent of [2, 0]) {
      await saveJobResults(join(dir, `a${indent}.json`), docs, { indent });
      await streamJob(join(dir, `b${indent}.json`), docs, indent);
      expect(readFileSync(join(dir, `b${indent}.json`), "utf8")).toBe(
        readFileSync(join(dir, `a${indent}.json`), "utf8"),
      );
    }
    const empty = await openJobResultsWriter(join(dir, "empty.json"));
    await empty.finish();
    expect(await loadJobResults(join(dir, "empty.json"))).toEqual({});
  });

  it("a long timestamps list (written piecewise) gives the same bytes and the same refusals", async () => {
    const dir = tmp();
    // above the piecewise threshold (4096) and more than one 256 KiB buffer of stamps; few frames: only the header
    const n = 30000;
    const ts = Array.from({ length: n }, (_, i) => Math.round(i * 33.3667) / 1000);
    const few = makeDoc(21, 3);
    const base = { ...few, metadata: { ...few.metadata, frame_count: n, timestamps: ts } };
    // every number form JSON.stringify has: -0, exponents, tiny values, non-finite (written as strings)
    Object.assign(ts, { 1: -0, 2: 1e21, 3: 5e-7, 4: Number.NaN, 5: Number.POSITIVE_INFINITY, 6: -1.5e-300 });
    for (const indent of [2, 0, 10]) {
      await saveVideoPredictions(join(dir, `a${indent}.json`), base, { indent });
      await streamTo(join(dir, `b${indent}.json`), base, indent);
      expect(readFileSync(join(dir, `b${indent}.json`), "utf8")).toBe(
        readFileSync(join(dir, `a${indent}.json`), "utf8"),
      );
      const docs = { "x.mp4": base, "y.mp4": makeDoc(22, 3) };
      await saveJobResults(join(dir, `ja${indent}.json`), docs, { indent });
      await streamJob(join(dir, `jb${indent}.json`), docs, indent);
      expect(readFileSync(join(dir, `jb${indent}.json`), "utf8")).toBe(
        readFileSync(join(dir, `ja${indent}.json`), "utf8"),
      );
    }
    // the longest stamps (23 characters) at the deepest lead (a job's video, indent 10): a piece is longer than
    // the default buffer and must not be cut
    const long = ts.map((_, i) => -1e21 * (1 + (n - i) * 2 ** -52));
    expect(String(long[0]).length).toBe(23);
    const deep = { "x.mp4": { ...base, metadata: { ...base.metadata, timestamps: long } } };
    await saveJobResults(join(dir, "la.json"), deep, { indent: 10 });
    await streamJob(join(dir, "lb.json"), deep, 10);
    expect(readFileSync(join(dir, "lb.json"), "utf8")).toBe(readFileSync(join(dir, "la.json"), "utf8"));
    // what the piecewise path does not take goes through zod as before: same result as saveVideoPredictions
    const variants = [
      { ...base.metadata, timestamps: ts.map((v, i) => (i === 7 ? "NaN" : v)) },
      { ...base.metadata, timestamps: ts.map((v, i) => (i === 7 ? "x" : v)) },
      { ...base.metadata, frame_count: n - 1 },
      { ...base.metadata, frame_count: -1, timestamps: [] },
    ];
    for (const [i, metadata] of variants.entries()) {
      const doc = { ...base, metadata } as unknown as VideoPredictionsInput;
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => "ok",
          (e: Error) => e.message.replace(/\S*\.json/g, "FILE"),
        );
      const saved = await outcome(saveVideoPredictions(join(dir, `va${i}.json`), doc));
      const streamed = await outcome(streamTo(join(dir, `vb${i}.json`), doc));
      expect(streamed, `variant ${i}`).toBe(saved);
      if (saved === "ok")
        expect(readFileSync(join(dir, `vb${i}.json`), "utf8")).toBe(
          readFileSync(join(dir, `va${i}.json`), "utf8"),
        );
    }
  });

  it("an invalid frame is refused with its JSON path, and abort leaves nothing at the target", async () => {
    const dir = tmp();
    const w = await openVideoPredictionsWriter(join(dir, "x.json"));
    await w.writeFrame({ boxes: [], poses3d: [], poses2d: [] });
    await expect(
      w.writeFrame({ boxes: [], poses3d: [[[1, 2, 3]]], poses2d: [], person_ids: [0, 1] }),
    ).rejects.toThrow(/frames\.frame_000001\.person_ids/);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a process killed while writing leaves only a recognised temp name, removed by the next writer", async () => {
    const dir = tmp();
    const target = join(dir, "k.json");
    // the built package (`pnpm test` builds first), as a user's process would load it
    const url = new URL("../dist/index.js", import.meta.url).href;
    // a child that starts a writer, writes frames, then hangs until killed
    const script = `
      const io = await import(${JSON.stringify(url)});
      const w = await io.openVideoPredictionsWriter(${JSON.stringify(target)});
      for (let i = 0; i < 3000; i++) await w.writeFrame({ boxes: [], poses3d: [], poses2d: [] });
      process.stdout.write("ready\\n");
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error("child did not start")), 60_000);
      child.stdout.on("data", (d) => {
        if (String(d).includes("ready")) {
          clearTimeout(t);
          res();
        }
      });
    });
    child.kill("SIGKILL");
    await new Promise((res) => child.on("close", res));
    const left = readdirSync(dir);
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((n) => parseTempName(n)?.target === "k.json")).toBe(true);
    const w = await openVideoPredictionsWriter(target);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  }, 90_000);
});

describe("streaming predictions reader", () => {
  it("loads back exactly what loadVideoPredictions loads (any indentation, NaN as strings)", async () => {
    const dir = tmp();
    for (const [seed, n] of [
      [21, 0],
      [22, 5],
      [23, 30],
    ] as const) {
      for (const indent of [2, 0]) {
        const p = join(dir, `r${seed}-${indent}.json`);
        await saveVideoPredictions(p, makeDoc(seed, n, { nan: true }), { indent });
        const seen: string[] = [];
        const streamed = await readVideoPredictionsStream(p, { onFrame: (_f, key) => void seen.push(key) });
        const loaded = await loadVideoPredictions(p);
        expect(streamed).toEqual(loaded);
        expect(seen).toEqual(Object.keys(loaded.frames));
      }
    }
  });

  it("reads files of the original (v1, bare NaN tokens) and migrates them", async () => {
    const dir = tmp();
    const p = join(dir, "py.json");
    writeFileSync(
      p,
      `{"metadata": {"frame_count": 1, "fps": 30.0, "width": 2, "height": 2},
        "frames": {"frame_000000": {"boxes": [[1.0, 2.0, 3.0, 4.0, 0.9]], "poses3d": [[[NaN, 1.5, -Infinity]]],
        "poses2d": [[[1.0, 2.0]]]}}}`,
    );
    const doc = await readVideoPredictionsStream(p);
    expect(doc).toEqual(await loadVideoPredictions(p));
    expect(doc.schema_version).toBe(3);
    expect(Number.isNaN(doc.frames.frame_000000!.poses3d[0]![0]![0])).toBe(true);
  });

  it("keepFrames: false streams frames without keeping them", async () => {
    const dir = tmp();
    const p = join(dir, "s.json");
    const doc = makeDoc(31, 20);
    await saveVideoPredictions(p, doc);
    let n = 0;
    const head = await readVideoPredictionsStream(p, { keepFrames: false, onFrame: () => void n++ });
    expect(n).toBe(20);
    expect(head.frames).toEqual({});
    expect(head.metadata.frame_count).toBe(20);
  });

  it("truncated and invalid files are one clear error", async () => {
    const dir = tmp();
    const p = join(dir, "t.json");
    await saveVideoPredictions(p, makeDoc(41, 6));
    const text = readFileSync(p, "utf8");
    writeFileSync(p, text.slice(0, Math.floor(text.length / 2)));
    await expect(readVideoPredictionsStream(p)).rejects.toThrow(/truncated/);
    writeFileSync(p, "[1, 2]");
    await expect(readVideoPredictionsStream(p)).rejects.toThrow(/must hold a JSON object/);
    writeFileSync(p, stringifyJson({ ...makeDoc(42, 1), frames: { frame_000000: { boxes: 3 } } }));
    await expect(readVideoPredictionsStream(p)).rejects.toThrow(/frames\.frame_000000\.boxes/);
    await expect(readVideoPredictionsStream(join(dir, "none.json"))).rejects.toThrow(/file not found/);
  });
});
