// Runs the built `neuropose-infer` binary (bin.js -> dist; `pnpm test` builds first) as a user would.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";
import { loadVideoPredictions, parseTempName } from "@neuropose/io";
import { readNwb } from "@neuropose/nwb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, removeDir, runBin, SUBJECT, SUBJECT_FLAGS, tempDir } from "../../../config/cli-process.js";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import {
  probeCounted,
  runFfmpeg,
  writeTestPattern,
  writeTruncated,
  writeZeroFrameVideo,
} from "../../../config/test-videos.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin.js");
const tools = resolveFfmpeg({});
let dir: string;

function run(args: string[], env: Record<string, string> = {}) {
  return runBin(bin, args, { cwd: dir, env });
}

/** The inputs with the lite model on their first `frames` frames. */
function lite(inputs: string | string[], frames: number): string[] {
  return [...[inputs].flat(), "--model", "lite", "--max-frames", String(frames)];
}

function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("error:"));
}

beforeAll(() => {
  dir = tempDir("np-infer-cli-");
  writeTestPattern(tools.ffmpeg, join(dir, "full.mp4"), {
    size: "320x240",
    rate: 30,
    frames: 60,
    args: ["-movflags", "+faststart"],
  });
  writeTruncated(join(dir, "full.mp4"), join(dir, "trunc.mp4"));
  writeZeroFrameVideo(tools.ffmpeg, join(dir, "zero.avi"));
  writeFileSync(join(dir, "notes.mp4"), "not a video\n");
  writeFileSync(join(dir, "a-file"), "x");
  // long enough (600 frames, the detector runs on every frame: no person) to interrupt a run half-way
  writeTestPattern(tools.ffmpeg, join(dir, "long.mp4"), {
    size: "320x240",
    rate: 30,
    frames: 600,
    args: ["-preset", "ultrafast"],
  });
}, 120_000);

/** A pid that is certainly not running any more (a process that has exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

/** Direct children of `pid` whose command line contains `needle` (Linux /proc). */
function childrenOf(pid: number, needle: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid && readFileSync(`/proc/${p}/cmdline`, "utf8").includes(needle)) out.push(Number(p));
    } catch {}
  }
  return out;
}

/** Starts the CLI, resolves once `ready(dir)` holds (polled), returns the child and its stderr. */
async function startUntil(args: string[], ready: () => boolean, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: cliEnv(env),
  });
  const out = { stderr: "" };
  child.stderr.on("data", (d) => (out.stderr += d));
  const closed = new Promise<number | null>((res) => child.on("close", res));
  const t0 = Date.now();
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}): ${out.stderr}`);
    if (Date.now() - t0 > 90_000) throw new Error(`not ready after 90 s: ${out.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, out, closed };
}

/**
 * Starts a lite-model run over long.mp4 writing `<folder>/<name>.json` and the overlay `<folder>/<name>.mp4`
 * (`more` flags too, quietly); resolves once the overlay's temp file exists.
 */
function startOverlayRun(folder: string, name: string, more: string[] = []) {
  const json = `${folder}/${name}.json`;
  const args = [
    "long.mp4",
    "--model",
    "lite",
    "-o",
    json,
    "--overlay",
    `${folder}/${name}.mp4`,
    ...more,
    "--quiet",
  ];
  return startUntil(args, () => tempsIn(join(dir, folder)).some((n) => n.endsWith(".mp4")));
}

const tempsIn = (d: string) => (existsSync(d) ? readdirSync(d).filter((n) => parseTempName(n) !== null) : []);
afterAll(() => removeDir(dir));

describe("neuropose-infer: bad input is one error line and exit code 2", () => {
  it.each([
    ["a missing file", ["missing.mp4"], /^error: missing\.mp4: input file not found/],
    ["not a video", ["notes.mp4"], /^error: notes\.mp4: not a readable video/],
    ["zero frames", ["zero.avi"], /^error: zero\.avi: the video has zero frames/],
    [
      "an unsupported provider",
      ["full.mp4", "--device", "coreml"],
      /execution provider "coreml" is not available/,
    ],
    ["a bad flag value", ["full.mp4", "--max-people", "0"], /--max-people must be a positive integer/],
    ["no video", [], /name at least one <video>/],
  ])("%s", async (_name, args, pattern) => {
    if (args.includes("coreml") && process.platform === "darwin") return;
    const r = await run(args);
    expect(r.code).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it("an unusable model cache", async () => {
    const r = await run(["full.mp4", "--max-frames", "1"], {
      NEUROPOSE_MODEL_CACHE_DIR: join(dir, "a-file"),
    });
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/model cache is not usable/)]);
  });

  it("a truncated file reports what was decoded and writes nothing", async () => {
    const r = await run(["trunc.mp4", "--model", "lite", "-o", "trunc.json"]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(/trunc\.mp4: decoding failed after \d+ of 60 frames|decoded \d+ of 60 frames/),
    ]);
    expect(existsSync(join(dir, "trunc.json"))).toBe(false);
  }, 120_000);

  it("--help exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--max-people/);
  });
});

fixtureSuite("neuropose-infer on gaitlab_input.mp4", ["videos", "gaitlab_input.mp4"], () => {
  const video = () => fixturePath("videos", "gaitlab_input.mp4");

  it("writes a valid VideoPredictions and an overlay video", async () => {
    const r = await run([...lite(video(), 12), "-o", "g.json", "--overlay", "g.mp4"]);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    const p = await loadVideoPredictions(join(dir, "g.json"));
    expect(p.metadata.frame_count).toBe(12);
    expect(Object.keys(p.frames)).toHaveLength(12);
    expect(p.frames.frame_000005!.poses2d[0]).toHaveLength(33);
    expect(p.provenance?.execution_provider).toBe("cpu");
    // both models, each with the hash of the ONNX run (the legacy field keeps them comma-joined)
    expect(p.provenance?.models?.map((m) => [m.role, m.name])).toEqual([
      ["detector", "pose_detection"],
      ["landmark", "pose_landmark_lite"],
    ]);
    expect(p.provenance?.model_sha256).toBe(p.provenance?.models?.map((m) => m.sha256).join(","));
    const frames = probeCounted(tools.ffprobe, join(dir, "g.mp4"), "nb_read_frames,width,height");
    expect(frames).toBe("320,480,12");
  }, 180_000);

  it("--nwb also writes an NWB (HDF5) file", async () => {
    const r = await run([
      ...lite(video(), 4),
      "-o",
      "n.json",
      "--nwb",
      "n.nwb",
      "--session-start",
      "2024-05-01T10:00:00Z",
    ]);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    const head = readFileSync(join(dir, "n.nwb")).subarray(0, 8);
    expect(Array.from(head)).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  }, 180_000);

  it("several videos with -o give one JobResults keyed by file name", async () => {
    const r = await run([
      ...lite([video(), fixturePath("videos", "pose2sim_cam01.mp4")], 2),
      "-o",
      "job.json",
    ]);
    expect(r.code).toBe(0);
    const job = JSON.parse(readFileSync(join(dir, "job.json"), "utf8"));
    expect(Object.keys(job).sort()).toEqual(["gaitlab_input.mp4", "pose2sim_cam01.mp4"]);
    expect(job["pose2sim_cam01.mp4"].metadata).toMatchObject({ width: 1080, height: 1920, frame_count: 2 });
  }, 180_000);

  it("--json prints the document on stdout (and writes no file without -o)", async () => {
    const r = await run([...lite(video(), 3), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).metadata.frame_count).toBe(3);
    expect(existsSync(join(dir, "gaitlab_input.poses.json"))).toBe(false);
  }, 180_000);

  it("Ctrl-C stops cleanly: exit 130 and no output file, complete or partial", async () => {
    const child = spawn(process.execPath, [bin, video(), "--model", "full", "-o", "int.json"], {
      cwd: dir,
      env: cliEnv(),
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // interrupt once frames are flowing (the first progress line), or after a few seconds
    await new Promise<void>((res) => {
      const t = setTimeout(res, 8000);
      child.stderr.on("data", () => {
        if (/frames/.test(stderr)) {
          clearTimeout(t);
          res();
        }
      });
    });
    child.kill("SIGINT");
    const code = await new Promise<number | null>((res) => child.on("close", res));
    expect(code).toBe(130);
    expect(errorLines(stderr)).toEqual(["error: interrupted; unfinished output files were not written"]);
    expect(readdirSync(dir).filter((f) => f.includes("int.json"))).toEqual([]);
  }, 180_000);
});

describe("neuropose-infer outputs: one rule, checked first, never left half-written (issue 9 items 1-4)", () => {
  it.each([
    ["-o naming a folder", ["-o", "."], /-o \. is a folder/],
    ["-o under a file", ["-o", "a-file/x.json"], /a parent of this path is a file|is a file, not a folder/],
    [
      "--overlay in an unwritable place",
      ["--overlay", "/proc/x.mp4"],
      /--overlay \/proc\/x\.mp4: (cannot create files|the folder)/,
    ],
    [
      "--nwb in an unwritable place",
      ["--nwb", "/proc/x.nwb", "--session-start", "2024-05-01T10:00:00Z"],
      /--nwb \/proc\/x\.nwb/,
    ],
  ])(
    "%s: one error line, exit 2, before any model is loaded",
    async (_n, flags, pattern) => {
      const cache = join(dir, `never-${Math.random().toString(36).slice(2)}`);
      const r = await run(["full.mp4", "--model", "lite", ...flags], { NEUROPOSE_MODEL_CACHE_DIR: cache });
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(pattern)]);
      // nothing was decoded or converted: the model cache was never created
      expect(existsSync(cache)).toBe(false);
      expect(existsSync(join(dir, "full.poses.json"))).toBe(false);
    },
    60_000,
  );

  it.runIf(process.platform === "linux")(
    "the overlay encoder dying mid-run is one error line at once (exit 2) and leaves no file",
    async () => {
      const out = join(dir, "enc");
      const { child, out: o, closed } = await startOverlayRun("enc", "e");
      // the encoder is the ffmpeg child writing the temp .mp4
      let enc: number[] = [];
      for (let i = 0; i < 100 && enc.length === 0; i++) {
        enc = childrenOf(child.pid!, "libx264");
        if (enc.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(enc).toHaveLength(1);
      const t0 = Date.now();
      process.kill(enc[0]!, "SIGKILL");
      const code = await closed;
      expect(code).toBe(2);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(errorLines(o.stderr)).toEqual([expect.stringMatching(/e\.mp4: overlay encoding failed/)]);
      expect(readdirSync(out)).toEqual([]);
    },
    180_000,
  );

  it("Ctrl-C during an overlay and NWB run: exit 130, nothing left, no temp files", async () => {
    const out = join(dir, "int2");
    const {
      child,
      out: o,
      closed,
    } = await startOverlayRun("int2", "i", [
      "--nwb",
      "int2/i.nwb",
      "--session-start",
      "2024-05-01T10:00:00Z",
    ]);
    child.kill("SIGINT");
    expect(await closed).toBe(130);
    expect(errorLines(o.stderr)).toEqual(["error: interrupted; unfinished output files were not written"]);
    expect(readdirSync(out)).toEqual([]);
  }, 180_000);

  it("SIGKILL mid-run leaves only recognised temp names; the next run in that folder removes them", async () => {
    const out = join(dir, "killed");
    mkdirSync(out, { recursive: true });
    // a leftover in the old overlay format, from a process that is gone
    writeFileSync(join(out, `.old.mp4.${deadPid()}.tmp.mp4`), "partial");
    const { child, closed } = await startUntil(
      ["long.mp4", "--model", "lite", "-o", "killed/k.json", "--overlay", "killed/k.mp4", "--quiet"],
      () => tempsIn(out).filter((n) => n.includes("neuropose-tmp")).length >= 2,
    );
    child.kill("SIGKILL");
    await closed;
    const left = readdirSync(out);
    expect(left.length).toBeGreaterThanOrEqual(2);
    for (const n of left) expect(parseTempName(n), n).not.toBeNull();
    expect(left.filter((n) => parseTempName(n)!.pid === child.pid).length).toBeGreaterThanOrEqual(2);
    // the next run, whatever its output name, removes what dead runs left in its output folder
    const r = await run([...lite("full.mp4", 1), "-o", "killed/next.json"]);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toEqual(["next.json"]);
  }, 180_000);
});

fixtureSuite(
  "neuropose-infer --nwb metadata and output rules (issue 9 items 3, 7)",
  ["videos", "gaitlab_input.mp4"],
  () => {
    const video = () => fixturePath("videos", "gaitlab_input.mp4");
    it("every output creates missing folders; an existing output needs --force (-o, --overlay and --nwb alike)", async () => {
      const outs = ["-o", "new1/a.json", "--overlay", "new2/a.mp4", "--nwb", "new3/a.nwb"];
      const base = [...lite(video(), 2), "--session-start", "2024-05-01T10:00:00Z"];
      const r = await run([...base, ...outs]);
      expect(r.stderr).not.toMatch(/^error:/m);
      expect(r.code).toBe(0);
      for (const f of ["new1/a.json", "new2/a.mp4", "new3/a.nwb"])
        expect(existsSync(join(dir, f))).toBe(true);
      for (const [flag, path] of [
        ["-o", "new1/a.json"],
        ["--overlay", "new2/a.mp4"],
        ["--nwb", "new3/a.nwb"],
      ] as const) {
        const again = await run([...base, flag, path]);
        expect(again.code).toBe(2);
        expect(errorLines(again.stderr)).toEqual([
          expect.stringMatching(new RegExp(`${flag} ${path} already exists \\(hint: pass --force`)),
        ]);
      }
      const forced = await run([...base, ...outs, "--force"]);
      expect(forced.code).toBe(0);
    }, 180_000);

    it("takes the subject flags of `neuropose nwb export` and the recorded creation time, saying so", async () => {
      const clip = join(dir, "dated.mp4");
      runFfmpegCopy(video(), clip, "2024-03-01T09:30:00.000000Z");
      const r = await run([
        ...lite("dated.mp4", 2),
        "-o",
        "meta/d.json",
        "--nwb",
        "meta/d.nwb",
        ...SUBJECT_FLAGS,
        "--species",
        "Homo sapiens",
        "--lab",
        "Gait lab",
      ]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /no --session-start: using the creation time recorded in the video, 2024-03-01T09:30:00\.000Z/,
      );
      expect(r.stderr).not.toMatch(/no --subject-id/);
      const nwb = await readNwb(join(dir, "meta/d.nwb"));
      expect(nwb.subject).toMatchObject({ ...SUBJECT, species: "Homo sapiens" });
      expect(Date.parse(nwb.sessionStartTime)).toBe(Date.parse("2024-03-01T09:30:00Z"));
    }, 120_000);

    it("warns when there is no subject, and never takes a file's modification time silently", async () => {
      const r = await run([...lite(video(), 2), "-o", "meta/f.json", "--nwb", "meta/f.nwb"]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /warn: no --subject-id: the NWB file will have no Subject \(DANDI requires one\)/,
      );
      expect(r.stderr).toMatch(
        /warn: no --session-start and the video records no creation time: using the file's modification time/,
      );
    }, 120_000);
  },
);

/** Copies a video with a container creation_time (as cameras record). */
function runFfmpegCopy(src: string, out: string, creationTime: string) {
  runFfmpeg(tools.ffmpeg, "-i", src, "-c", "copy", "-metadata", `creation_time=${creationTime}`, out);
}
