// The neuropose-session program as a user runs it: real processes (node bin.js), real files, exit codes and
// stdout/stderr. The session is constructed: two cameras timed by a SpikeGLX NIDQ recording (camera pulses on
// digital bits 1 and 2, the .meta written from the real DigitalChannelTest fixture's as a template), the real
// SLEAP predictions of ../shared/fixtures/sleap for camera 0, 50 ppm of clock drift and 3 dropped frames injected
// on camera 0, none on camera 1.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { resolveFfmpeg } from "@neuropose/infer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath, haveFixture } from "../../../config/fixtures.js";

const bin = resolve(import.meta.dirname, "..", "bin.js");
const have =
  haveFixture("ttl", "spikeglx_DigitalChannelTest_g0", "DigitalChannelTest_g0_t0.nidq.meta") &&
  haveFixture("sleap", "centered_pair_predictions.slp");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const RATE = 25_000; // NIDQ sample rate of the constructed recording (40 µs per sample)
const FPS = 30;
const FRAMES = 1100; // frames each camera saved (= the SLEAP file's 1100 frames)
const DRIFT_PPM = 50;
const DROPPED_SLOTS = new Set([300, 650, 901]); // camera 0 exposures never saved (no pulse, no frame)

/** Pulse onsets (seconds) of one camera: `FRAMES` saved frames on a clock running `ppm` fast, some slots dropped. */
function pulseTimes(start: number, ppm: number, dropped: ReadonlySet<number>): number[] {
  const t: number[] = [];
  for (let slot = 0; t.length < FRAMES; slot++)
    if (!dropped.has(slot)) t.push(start + (slot / FPS) * (1 + ppm * 1e-6));
  return t;
}

let root: string;
let sessionDir: string;

beforeAll(() => {
  if (!have) return;
  root = mkdtempSync(join(tmpdir(), "np-session-cli-"));
  sessionDir = join(root, "data", "raw", "S2");
  mkdirSync(join(sessionDir, "nidq"), { recursive: true });
  // The NIDQ recording: one saved channel (the digital word), camera 0 on bit 1, camera 1 on bit 2, 2 ms pulses.
  const cams = [pulseTimes(0.5, DRIFT_PPM, DROPPED_SLOTS), pulseTimes(0.52, 0, new Set())];
  const nSamples = Math.ceil((Math.max(...cams.map((c) => c[c.length - 1] as number)) + 1) * RATE);
  const words = new Int16Array(nSamples);
  cams.forEach((times, k) => {
    for (const t of times) {
      const s0 = Math.round(t * RATE);
      for (let s = s0; s < s0 + 50; s++) words[s] = (words[s] as number) | (1 << (k + 1));
    }
  });
  const binPath = join(sessionDir, "nidq", "S2_g0_t0.nidq.bin");
  writeFileSync(binPath, new Uint8Array(words.buffer));
  const template = readFileSync(
    fixturePath("ttl", "spikeglx_DigitalChannelTest_g0", "DigitalChannelTest_g0_t0.nidq.meta"),
    "utf8",
  );
  const meta = template
    .split(/\r?\n/)
    .filter((l) => l && !l.startsWith("fileSHA1="))
    .map((l) =>
      l.startsWith("niSampRate=")
        ? `niSampRate=${RATE}`
        : l.startsWith("fileSizeBytes=")
          ? `fileSizeBytes=${words.byteLength}`
          : l.startsWith("fileTimeSecs=")
            ? `fileTimeSecs=${nSamples / RATE}`
            : l.startsWith("fileName=")
              ? "fileName=S2_g0_t0.nidq.bin"
              : l,
    );
  writeFileSync(binPath.replace(/\.bin$/, ".meta"), `${meta.join("\n")}\n`);
  // Stand-in videos with exactly the saved frame count.
  const { ffmpeg } = resolveFfmpeg();
  for (const cam of ["cam0", "cam1"]) {
    mkdirSync(join(sessionDir, "Video", cam), { recursive: true });
    execFileSync(ffmpeg, [
      ...["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc=size=32x24:rate=${FPS}`],
      ...[
        "-frames:v",
        String(FRAMES),
        "-c:v",
        "mpeg4",
        "-q:v",
        "10",
        join(sessionDir, "Video", cam, `${cam}.avi`),
      ],
    ]);
  }
  symlinkSync(
    fixturePath("sleap", "centered_pair_predictions.slp"),
    join(sessionDir, "cam0.predictions.slp"),
  );
  writeFileSync(
    join(sessionDir, "session.toml"),
    `[session]
id = "S2"
subject_id = "mouse7"
date = "2025-03-04T10:15:00+01:00"
sex = "F"
age = "P60D"
genotype = "C57BL/6J"

[[TTLs]]
id = "cam0_sync"
description = "camera 0 exposure pulses, NIDQ digital bit 1"
paths = "nidq/*.nidq.bin"
bit = 1

[[TTLs]]
id = "cam1_sync"
description = "camera 1 exposure pulses, NIDQ digital bit 2"
paths = "nidq/*.nidq.bin"
bit = 2

[[cameras]]
id = "cam0"
description = "side camera"
paths = "Video/cam0/*.avi"
ttl_id = "cam0_sync"

[[cameras]]
id = "cam1"
description = "face camera"
paths = "Video/cam1/*.avi"
ttl_id = "cam1_sync"

[[pose]]
camera_id = "cam0"
paths = "*.predictions.slp"
format = "sleap"
`,
  );
  writeFileSync(
    join(root, "config.toml"),
    `[project]
name = "constructed"

[timebase]
source = "ttl"
ttl_id = "cam0_sync"
jitter_budget_s = 0.001

[facemap]
ROIs = ["whisker", { name = "eye", x = 0, y = 0, width = 32, height = 24, camera_id = "cam1" }]

[nwb]
lab = "NeuroPose"
institution = "NeuroPose tests"
`,
  );
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!have)(
  "neuropose-session on a constructed SpikeGLX session (drift and drops injected)",
  () => {
    it("plan lists what would be read and writes nothing; a missing input exits 2 naming the key", () => {
      const r = cli(["plan", sessionDir, "--config", join(root, "config.toml"), "--json"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout);
      expect(plan.missing).toEqual([]);
      expect(plan.inputs.map((i: { files: { path: string }[] }) => i.files[0]?.path)).toEqual([
        "Video/cam0/cam0.avi",
        "Video/cam1/cam1.avi",
        "nidq/S2_g0_t0.nidq.bin",
        "nidq/S2_g0_t0.nidq.bin",
        "cam0.predictions.slp",
      ]);
      expect(existsSync(join(root, "data", "interim"))).toBe(false);

      const bad = cli([
        "plan",
        sessionDir,
        "-c",
        join(root, "config.toml"),
        "--set",
        "paths.metadata_file=nope.toml",
      ]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toMatch(/^error: .*nope\.toml/);
    });

    it("build reports exactly the injected drift and drops in the sync summary and the QC page; qc re-renders; validate passes", () => {
      const r = cli(["build", sessionDir, "--config", join(root, "config.toml"), "--json"]);
      expect(r.stderr).not.toMatch(/^error/m);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.stages.map((s: { stage: string }) => s.stage)).toEqual([
        "ingest",
        "sync",
        "pose",
        "facemap",
        "nwb",
        "validate",
      ]);
      const sync = JSON.parse(readFileSync(join(out.interim, "sync_summary.json"), "utf8"));
      // Stated tolerance 1 ppm: each pulse onset is quantised to one NIDQ sample (40 µs at 25 kHz), and the drift is
      // the median slope over pairs half the session (18.3 s) apart, so one sample of rounding is at most 2.2 ppm
      // and the median of 550 such slopes lands well inside 1 ppm (0.73 ppm here for the clean camera).
      expect(Math.abs(sync.details.cam0.drift_ppm - DRIFT_PPM)).toBeLessThan(1);
      expect(Math.abs(sync.details.cam1.drift_ppm)).toBeLessThan(1);
      expect(sync.details.cam0.dropped_frames).toBe(3);
      // After saved frames 299, 648, 898 (slot 300 is missing, then 650 is the 649th saved, 901 the 899th).
      expect(sync.details.cam0.dropped_after_frames).toEqual([299, 648, 898]);
      expect(sync.details.cam1.dropped_frames).toBe(0);
      expect(sync.flags.find((f: { code: string }) => f.code === "SYNC_DROPPED")).toMatchObject({
        subject: "cam0",
        value: 3,
      });
      const ts = readFileSync(join(out.interim, "sync", "timestamps_cam0.csv"), "utf8")
        .trim()
        .split("\n");
      expect(ts).toHaveLength(FRAMES + 1);
      expect(Number(ts[1]?.split(",")[1])).toBeCloseTo(0.5, 4);

      const html = readFileSync(out.qc, "utf8");
      const row = html.match(/<tr><td>cam0<\/td>(.*?)<\/tr>/)?.[1] ?? "";
      const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
      // frames, pulses, rate, jitter max, jitter p95, drift (ppm), dropped, duplicates
      expect(Math.abs(Number(cells[5]) - DRIFT_PPM)).toBeLessThan(1);
      expect(cells[6]).toBe("3");
      expect(html).toMatch(/the 3 dropped frames/);

      // Facial motion energy: the eye ROI of camera 1 computed (testsrc moves, so not all zero; first frame 0), the
      // name-only ROI skipped with an info flag; a TimeSeries in NWB and a plot in the QC page.
      const facemap = JSON.parse(readFileSync(join(out.interim, "facemap_summary.json"), "utf8"));
      expect(facemap.details.cam1).toEqual({ frames: FRAMES, rois: ["eye"] });
      expect(facemap.flags).toEqual([
        expect.objectContaining({
          code: "FACEMAP_ROI_WITHOUT_RECTANGLE",
          severity: "info",
          subject: "whisker",
        }),
      ]);
      const me = readFileSync(join(out.interim, "facemap", "cam1.facial_metrics.csv"), "utf8")
        .trim()
        .split("\n");
      expect(me[0]).toBe("time,motion_energy_eye");
      expect(me).toHaveLength(FRAMES + 1);
      expect(Number(me[1]?.split(",")[1])).toBe(0);
      expect(me.slice(2).some((l) => Number(l.split(",")[1]) > 0)).toBe(true);
      expect(html).toMatch(/<section id="facemap">/);
      expect(html).toMatch(/motion_energy_eye/);

      // qc re-renders from the interim folder alone.
      rmSync(out.qc);
      const q = cli(["qc", out.interim, "--json"]);
      expect(q.code).toBe(0);
      expect(JSON.parse(q.stdout)).toMatchObject({ ok: true, html: out.qc });
      expect(readFileSync(out.qc, "utf8")).toContain("the 3 dropped frames");

      // Our structural validator (pynwb + nwbinspector run in packages/session's W2T test: on this file's 27 SLEAP
      // tracks × 24 nodes = 648 series it takes minutes, too long for a unit test).
      const v = cli(["validate", out.nwb, "--json"]);
      expect(v.code, v.stdout).toBe(0);
      const vr = JSON.parse(v.stdout);
      expect(vr.ok).toBe(true);
      expect(vr.errors).toEqual([]);

      // A second build with nothing changed redoes nothing.
      const again = cli(["build", sessionDir, "--config", join(root, "config.toml"), "--log-format", "json"]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/sync: unchanged, skipped/);
      expect(again.stderr).not.toMatch(/"sync: done/);
    }, 240_000);

    it("validate on a file that is not NWB exits 2 with one error line", () => {
      const junk = join(root, "junk.nwb");
      writeFileSync(junk, "not hdf5");
      const r = cli(["validate", junk]);
      expect(r.code).toBe(2);
      expect(
        r.stderr
          .trim()
          .split("\n")
          .filter((l) => l.startsWith("error:")),
      ).toHaveLength(1);
    });
  },
);
