// benchmarks/long-clip: long recordings through neuropose-infer's output path (issue 11). Each measurement runs in
// its own process (peak RSS = that process's maxRSS), ratios against the 1-minute run of the same kind:
//   writer  @neuropose/io's streaming predictions writer alone, on synthetic BlazePose frames (33 joints, one
//           person, every field neuropose-infer writes), then read back frame by frame and compared with the
//           frames that were written. Baseline: the old way (the whole document in memory, saveVideoPredictions).
//   infer   real inference (processVideo, lite model, CPU) on a clip made by looping gaitlab_input.mp4; a sink
//           hashes every frame as produced, and the file read back must give the same hashes.
// Flags: --hours H (writer's long run, default 0.5 = 54,000 frames; 4 = 432,000), --infer-minutes M (default 2;
// 0 skips), --old-max N (largest baseline run, default 9,000 frames), --max-frames N (caps every run: for CI, e.g.
// --max-frames 20000 --infer-minutes 0 takes well under a minute), --semi-space MB (children run with
// --max-semi-space-size=MB; see spawnChild). Targets: long peak RSS <= 1.2x the 1-minute run;
// save time < 10% of inference time; the file loads back equal.
// Measured 2026-12-05 on the shared 2-core machine (ratios in one run; absolute times vary with the load). Writer
// alone, 432,000 frames (4 h at 30 fps, 2.9 GB written, read back equal): peak RSS writing 71 MB vs 62 MB for
// 1 minute, 1.14x (load average 2-6 at the end of the run). Before issue 11's last fixes it was 110 vs 79 MB (1.40x);
// 1 hour in this session before them: 100 vs 76 MB (1.32x). What grew was garbage, never live data (heap used after
// a full GC is flat), from three sources, each removed:
// - V8 grows its young generation whenever the bytes surviving its scavenges since the last growth pass its size,
//   which over hours they always do: 2 x 16 MB semi-spaces of garbage. neuropose-infer sets
//   --semi-space-growth-factor=1 at start-up (capYoungGeneration in packages/cli-kit/src/startup.ts; a V8 flag read when V8
//   decides, so it works from v8.setFlagsFromString without a re-exec); the children here set the same flag
//   (--v8-default to compare). 60,000 frames: 61 vs 89 MB.
// - String(n) for the frame key: V8's number-to-string cache kept each frame number's text alive past young
//   collections, so every frame promoted a small string (~30 B/frame of old-generation garbage, +12 MB at 4 h).
//   The writer uses JSON.stringify(n) (no cache): old space flat at 10.0 MB from frame 0 to 200,000.
// - the long timestamps list at finish: written through String(v) into strings of 16,384 stamps (+10 MB of
//   promoted text at 4 h); now JSON.stringify of 4,096-stamp slices encoded into one reused buffer (+0 MB).
// Earlier fixes: frames were held as strings until a 1 MiB flush, and a long timestamps list went through zod.
// Old way: 1,800 frames already 111-115 MB. Real inference (lite, 1 thread): 2 min vs 1 min peak RSS 191 vs 191 MB
// (1.00x), save time 0.9% of inference time (4 h: 432,000 x 0.49 ms spooling + 43 s finish = ~0.9% of ~8 h of
// inference at 68 ms/frame), loads back equal.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 as rng } from "@neuropose/io/core";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const FPS = 30;
const mb = (kb) => (kb / 1024).toFixed(0);

const r3 = (v) => Math.round(v * 1000) / 1000;
const r5 = (v) => Math.round(v * 1e5) / 1e5;
/** Frame i of the synthetic recording, as pipeline.ts rounds its values. */
function frame(i) {
  const r = rng(i + 1);
  if (i % 97 === 50)
    return {
      boxes: [],
      poses3d: [],
      poses2d: [],
      visibility: [],
      presence: [],
      person_ids: [],
      pose_presence: [],
    };
  return {
    boxes: [[r3(r() * 1000), r3(r() * 600), r3(200 + r() * 100), r3(500 + r() * 100), r5(r())]],
    poses3d: [
      Array.from({ length: 33 }, () => [
        r3((r() - 0.5) * 900),
        r3((r() - 0.5) * 1800),
        r3((r() - 0.5) * 500),
      ]),
    ],
    poses2d: [Array.from({ length: 33 }, () => [r3(r() * 1920), r3(r() * 1080)])],
    visibility: [Array.from({ length: 33 }, () => r5(r()))],
    presence: [Array.from({ length: 33 }, () => r5(r()))],
    person_ids: [0],
    pose_presence: [r5(0.5 + r() / 2)],
  };
}
const rest = (n) => ({
  metadata: {
    frame_count: n,
    fps: FPS,
    width: 1920,
    height: 1080,
    skeleton: "blazepose_33",
    poses3d_unit: "mm",
    poses3d_frame: "hip_centered",
    presence_threshold: 0.5,
    timestamps: Array.from({ length: n }, (_, i) => Math.round((i / FPS) * 1e6) / 1e6),
  },
  segmentations: {},
  provenance: null,
});

async function child(role, n, dir) {
  const io = await import("@neuropose/io");
  // one name per child: two runs of the same length (e.g. --infer-minutes 1) must not meet an existing output
  const out = join(dir, `${role}-${n}-${process.pid}.json`);
  const t0 = performance.now();
  if (role === "writer") {
    const w = await io.openVideoPredictionsWriter(out);
    let frameMs = 0;
    for (let i = 0; i < n; i++) {
      const f = frame(i);
      const t = performance.now();
      await w.writeFrame(f);
      frameMs += performance.now() - t;
    }
    const t1 = performance.now();
    await w.finish(rest(n));
    const finishMs = performance.now() - t1;
    const writeRss = process.resourceUsage().maxRSS;
    const t2 = performance.now();
    let i = 0;
    let bad = 0;
    const doc = await io.readVideoPredictionsStream(out, {
      keepFrames: false,
      onFrame: (f) => {
        if (JSON.stringify(f) !== JSON.stringify(frame(i))) bad++;
        i++;
      },
    });
    const equal = bad === 0 && i === n && JSON.stringify(doc.metadata) === JSON.stringify(rest(n).metadata);
    return {
      n,
      frameMs,
      finishMs,
      readMs: performance.now() - t2,
      writeRss,
      rss: process.resourceUsage().maxRSS,
      equal,
      bytes: statSync(out).size,
    };
  }
  if (role === "old") {
    const frames = {};
    for (let i = 0; i < n; i++) frames[`frame_${String(i).padStart(6, "0")}`] = frame(i);
    const t1 = performance.now();
    try {
      await io.saveVideoPredictions(out, { ...rest(n), frames });
    } catch (e) {
      return { n, error: String(e.message ?? e).slice(0, 80), rss: process.resourceUsage().maxRSS };
    }
    return {
      n,
      saveMs: performance.now() - t1,
      buildMs: t1 - t0,
      rss: process.resourceUsage().maxRSS,
      bytes: statSync(out).size,
    };
  }
  if (role === "infer") {
    const { loadPipeline, processVideo } = await import("@neuropose/infer");
    const src = join(here, "..", "..", "..", "shared", "fixtures", "videos", "gaitlab_input.mp4");
    const clip = join(dir, `loop-${n}.mp4`);
    const { resolveFfmpeg } = await import("@neuropose/infer");
    const tools = resolveFfmpeg({});
    execFileSync(tools.ffmpeg, [
      "-v",
      "error",
      "-y",
      "-stream_loop",
      "-1",
      "-i",
      src,
      "-frames:v",
      String(n),
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-an",
      clip,
    ]);
    const pipeline = await loadPipeline({
      model: "lite",
      cacheDir: join(tmpdir(), "neuropose-bench-models"),
      device: "cpu",
      threads: 1,
      tools,
    });
    const hashes = [];
    const sink = {
      async writeFrame(f) {
        hashes.push(createHash("sha1").update(io.stringifyJson(f)).digest("base64"));
      },
      async finish() {},
      async abort() {},
    };
    const t1 = performance.now();
    const res = await processVideo({ video: clip, output: out, pipeline, sinks: [sink] });
    const totalMs = performance.now() - t1;
    await pipeline.dispose();
    const rss = process.resourceUsage().maxRSS;
    let i = 0;
    let bad = 0;
    await io.readVideoPredictionsStream(out, {
      keepFrames: false,
      onFrame: (f) => {
        if (createHash("sha1").update(io.stringifyJson(f)).digest("base64") !== hashes[i]) bad++;
        i++;
      },
    });
    return {
      n: res.stats.frames,
      inferMs: res.stats.wallMs,
      finalizeMs: totalMs - res.stats.wallMs,
      rss,
      equal: bad === 0 && i === res.stats.frames,
      bytes: statSync(out).size,
    };
  }
}

// What neuropose-infer sets at start-up (capYoungGeneration in packages/cli-kit/src/startup.ts, YOUNG_GENERATION_FLAG): V8
// keeps its young generation at the start size instead of growing it to 2 x 16 MB semi-spaces of garbage over a
// long run. The children set it too, unless --v8-default.
const YOUNG_GENERATION_FLAG = "--semi-space-growth-factor=1";

if (process.argv[2] === "--child") {
  const [, , , role, n, dir, v8mode] = process.argv;
  if (v8mode !== "default") (await import("node:v8")).setFlagsFromString(YOUNG_GENERATION_FLAG);
  console.log(JSON.stringify(await child(role, Number(n), dir)));
  process.exit(0);
}

// V8 grows its young generation (up to 2 x 16 MB semi-spaces) in any process that allocates steadily for long
// enough: in the writer that happens after ~30,000 frames and adds ~17-32 MB of RSS that holds only garbage (heap
// used stays ~10-15 MB). --semi-space MB caps it in the children, to compare the writer's own memory.
const semi = arg("--semi-space", 0);
const v8default = process.argv.includes("--v8-default");
function spawnChild(role, n, dir) {
  const r = spawnSync(
    process.execPath,
    [
      "--max-old-space-size=8192",
      ...(semi > 0 ? [`--max-semi-space-size=${semi}`] : []),
      fileURLToPath(import.meta.url),
      "--child",
      role,
      String(n),
      dir,
      v8default ? "default" : "capped",
    ],
    {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    },
  );
  const line = r.stdout.trim().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    return { n, error: (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ").slice(0, 200) };
  }
}

const dir = mkdtempSync(join(tmpdir(), "np-bench-long-"));
try {
  const cap = arg("--max-frames", Number.POSITIVE_INFINITY);
  const minute = Math.min(60 * FPS, cap);
  const long = Math.min(Math.round(arg("--hours", 0.5) * 3600 * FPS), cap);
  console.log(
    `writer alone, synthetic 33-joint frames (1 minute = ${minute} frames, long = ${long} frames):`,
  );
  const w1 = spawnChild("writer", minute, dir);
  const wl = spawnChild("writer", long, dir);
  for (const w of [w1, wl]) {
    if (w.error) console.log(`  ${w.n} frames: ${w.error}`);
    else
      console.log(
        `  ${String(w.n).padStart(7)} frames: ${((w.frameMs / w.n) * 1000).toFixed(0)} us/frame spooled, finish ${(w.finishMs / 1000).toFixed(1)} s, ` +
          `${(w.bytes / 1e6).toFixed(0)} MB, peak RSS writing ${mb(w.writeRss)} MB (with read-back ${mb(w.rss)} MB), read back ${(w.readMs / 1000).toFixed(1)} s, equal: ${w.equal}`,
      );
  }
  if (!w1.error && !wl.error)
    console.log(`  peak RSS long / 1 minute: ${(wl.writeRss / w1.writeRss).toFixed(2)}x (target <= 1.2x)`);
  const oldMax = Math.min(arg("--old-max", 9000), cap);
  console.log("baseline: the whole document in memory, then saveVideoPredictions:");
  for (const n of [minute, oldMax]) {
    const o = spawnChild("old", n, dir);
    if (o.error)
      console.log(`  ${String(n).padStart(7)} frames: FAILED ${o.error} (peak RSS ${mb(o.rss ?? 0)} MB)`);
    else
      console.log(
        `  ${String(n).padStart(7)} frames: save ${(o.saveMs / 1000).toFixed(1)} s, peak RSS ${mb(o.rss)} MB`,
      );
  }
  const im = arg("--infer-minutes", 2);
  const src = join(here, "..", "..", "..", "shared", "fixtures", "videos", "gaitlab_input.mp4");
  if (im > 0 && existsSync(src)) {
    console.log(`real inference (lite, 1 thread) on gaitlab_input.mp4 looped to 1 minute and ${im} minutes:`);
    const i1 = spawnChild("infer", minute, dir);
    const il = spawnChild("infer", Math.min(Math.round(im * 60 * FPS), cap), dir);
    for (const r of [i1, il]) {
      if (r.error) console.log(`  ${r.n} frames: ${r.error}`);
      else
        console.log(
          `  ${String(r.n).padStart(7)} frames: inference ${(r.inferMs / 1000).toFixed(1)} s (${(r.inferMs / r.n).toFixed(1)} ms/frame, spooling included), ` +
            `finalize ${(r.finalizeMs / 1000).toFixed(2)} s, peak RSS ${mb(r.rss)} MB, loads back equal: ${r.equal}`,
        );
    }
    if (!i1.error && !il.error && !wl.error) {
      const spool = wl.frameMs / wl.n;
      console.log(
        `  peak RSS ${im} min / 1 min: ${(il.rss / i1.rss).toFixed(2)}x; save time / inference time: ` +
          `${((100 * (il.finalizeMs + spool * il.n)) / il.inferMs).toFixed(1)}% (finalize + ${(spool * 1000).toFixed(0)} us/frame spooling; target < 10%)`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
