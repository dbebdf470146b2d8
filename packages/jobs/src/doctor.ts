import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Settings } from "@neuropose/io";
import { dataDirLayout } from "./layout.js";
import { tryAcquireLock } from "./lock.js";

/** Outcome of one check. */
export type CheckStatus = "pass" | "warn" | "fail";

/** One line of the doctor's table. */
export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

/** All checks and the worst status. */
export interface DoctorReport {
  status: CheckStatus;
  checks: DoctorCheck[];
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  settings: Settings;
  /** Also open the cached model with every execution provider this build lists (slower; default true). */
  deep?: boolean | undefined;
}

const MIN_NODE = [20, 19];

function writable(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.doctor.${process.pid}.probe`);
    writeFileSync(probe, "ok");
    rmSync(probe);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  }
}

function toolVersion(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ["-version"], { timeout: 10_000 }, (err, stdout) => {
      if (err) reject(err);
      else resolve((stdout.split("\n")[0] ?? "").replace(/\s+Copyright.*$/, "").trim());
    });
  });
}

/**
 * The preflight of `neuropose doctor` (and of `watch` before it starts): data dir and its folders writable,
 * daemon lock acquirable, model cache writable and on the data dir's filesystem, ffmpeg/ffprobe found (with
 * versions), onnxruntime loads, which execution providers really initialise, cached models intact, Node version.
 * Never throws: every problem is a row.
 *
 * @example
 * ```ts
 * import { loadSettings } from "@neuropose/io";
 * import { runDoctor } from "@neuropose/jobs";
 * const report = await runDoctor({ settings: loadSettings({ overrides: { dataDir: "data" } }), deep: false });
 * for (const c of report.checks) console.log(c.status, c.name, c.detail);
 * ```
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { settings } = options;
  const checks: DoctorCheck[] = [];
  const add = (name: string, status: CheckStatus, detail: string) => checks.push({ name, status, detail });
  const layout = dataDirLayout(settings.dataDir);

  // Node
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const nodeOk =
    major > (MIN_NODE[0] as number) || (major === MIN_NODE[0] && minor >= (MIN_NODE[1] as number));
  add("node", nodeOk ? "pass" : "fail", `v${process.versions.node}${nodeOk ? "" : " (needs >= 20.19)"}`);

  // Data dir
  let dataOk = true;
  for (const [name, dir] of [
    ["data dir", layout.root],
    ["in/", layout.in],
    ["out/", layout.out],
    ["failed/", layout.failed],
  ] as const) {
    const problem = writable(dir);
    if (problem) dataOk = false;
    add(name, problem ? "fail" : "pass", problem ? `${dir} is not writable (${problem})` : `${dir} writable`);
  }

  // Lock
  if (dataOk) {
    try {
      const r = tryAcquireLock(layout.lock, { role: "doctor" });
      if ("lock" in r) {
        r.lock.release();
        add("lock", "pass", `${layout.lock} acquirable`);
      } else {
        add(
          "lock",
          "warn",
          `held by ${r.holder.role} pid ${r.holder.pid} on ${r.holder.host} (a daemon is running)`,
        );
      }
    } catch (err) {
      add("lock", "fail", (err as Error).message);
    }
  }

  // Model cache
  const cacheProblem = writable(settings.modelCacheDir);
  if (cacheProblem) add("model cache", "fail", `${settings.modelCacheDir} is not writable (${cacheProblem})`);
  else {
    let same = true;
    try {
      same = statSync(settings.modelCacheDir).dev === statSync(layout.root).dev;
    } catch {}
    add(
      "model cache",
      same ? "pass" : "warn",
      same
        ? `${settings.modelCacheDir} writable, same filesystem as the data dir`
        : `${settings.modelCacheDir} is on another filesystem than the data dir (atomic renames between them are impossible)`,
    );
  }

  // ffmpeg / ffprobe / onnxruntime (through @neuropose/infer, loaded here only)
  let infer: typeof import("@neuropose/infer") | undefined;
  try {
    infer = await import("@neuropose/infer");
    add("onnxruntime", "pass", `${infer.runtimeVersions().name} ${infer.runtimeVersions().version} loads`);
  } catch (err) {
    add("onnxruntime", "fail", `cannot load: ${(err as Error).message.split("\n")[0]}`);
  }
  if (infer) {
    try {
      const tools = infer.resolveFfmpeg({
        ffmpegPath: settings.ffmpegPath,
        ffprobePath: settings.ffprobePath,
      });
      for (const [name, path] of [
        ["ffmpeg", tools.ffmpeg],
        ["ffprobe", tools.ffprobe],
      ] as const) {
        try {
          add(name, "pass", `${await toolVersion(path)} (${path})`);
        } catch (err) {
          add(name, "fail", `${path} does not run: ${(err as Error).message.split("\n")[0]}`);
        }
      }
    } catch (err) {
      add("ffmpeg", "fail", (err as Error).message);
    }
  }

  // Cached models
  const entries = safeList(settings.modelCacheDir).filter((n) => /^pose_[a-z_]+-[0-9a-f]{16}$/.test(n));
  let probeModel: Uint8Array | undefined;
  if (entries.length === 0) add("cached models", "warn", "none yet (the first run converts them, ~10 s)");
  else {
    const bad: string[] = [];
    for (const e of entries) {
      try {
        const meta = JSON.parse(readFileSync(join(settings.modelCacheDir, e, "entry.json"), "utf8")) as {
          onnx_sha256: string;
        };
        const bytes = readFileSync(join(settings.modelCacheDir, e, "model.onnx"));
        if (createHash("sha256").update(bytes).digest("hex") !== meta.onnx_sha256) bad.push(e);
        else if (e.startsWith("pose_detection")) probeModel = bytes;
      } catch {
        bad.push(e);
      }
    }
    add(
      "cached models",
      bad.length ? "warn" : "pass",
      bad.length
        ? `${bad.join(", ")} corrupt or incomplete (rebuilt automatically on next use)`
        : `${entries.length} intact (sha256 checked)`,
    );
  }

  // Execution providers that really initialise
  if (infer && options.deep !== false) {
    if (!probeModel) add("providers", "warn", "no cached model to test them with yet");
    else {
      const ok: string[] = [];
      const failed: string[] = [];
      for (const device of ["cpu", "cuda", "coreml", "webgpu"] as const) {
        try {
          infer.providerOrder(device);
        } catch {
          continue; // not in this build of onnxruntime on this platform
        }
        try {
          const runner = await infer.createRunner(probeModel, { device, threads: 1 });
          (runner.provider === device ? ok : failed).push(device);
          await runner.dispose();
        } catch {
          failed.push(device);
        }
      }
      const want = settings.device;
      const wantOk = want === "auto" || ok.includes(want);
      add(
        "providers",
        wantOk ? "pass" : "warn",
        `initialise: ${ok.join(", ") || "none"}${failed.length ? `; listed but failing: ${failed.join(", ")}` : ""}${wantOk ? "" : ` (device setting ${want} will fall back)`}`,
      );
    }
  }

  const status: CheckStatus = checks.some((c) => c.status === "fail")
    ? "fail"
    : checks.some((c) => c.status === "warn")
      ? "warn"
      : "pass";
  return { status, checks };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
