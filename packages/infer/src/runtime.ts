import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { DEVICES, type Device, type Logger as LibraryLogger } from "@neuropose/io";
import * as ort from "onnxruntime-node";
import { InferError } from "./errors.js";

const require = createRequire(import.meta.url);

/**
 * True when the CUDA provider library sits beside onnxruntime-node's binding (it is not bundled by default);
 * `device: "auto"` tries CUDA only then.
 *
 * @example
 * ```ts
 * import { cudaProviderInstalled } from "@neuropose/infer";
 * console.log(cudaProviderInstalled()); // false on a stock install
 * ```
 */
export function cudaProviderInstalled(): boolean {
  try {
    const dir = dirname(require.resolve("onnxruntime-node/package.json"));
    return existsSync(
      join(dir, "bin", "napi-v6", process.platform, process.arch, "libonnxruntime_providers_cuda.so"),
    );
  } catch {
    return false;
  }
}

/** The logger of this package (libraries never print): @neuropose/io's `Logger` with every method present. */
export type Logger = Required<LibraryLogger>;

/** A float32 input: data plus dims. */
export interface FloatInput {
  data: Float32Array;
  dims: readonly number[];
}

/**
 * Runs one model. The BlazePose pipeline only needs this, so other runtimes (a TFLite WASM runner in the
 * benchmarks, a test double) can stand in for ONNX Runtime.
 */
export interface TensorRunner {
  /** The execution provider (or runtime) that actually runs the model, e.g. "cpu", "cuda", "tflite-wasm". */
  readonly provider: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, FloatInput>, outputs?: readonly string[]): Promise<Record<string, Float32Array>>;
  dispose(): Promise<void>;
}

/**
 * Intra-op threads used when none are requested: half the available cores, between 1 and 4.
 *
 * @example
 * ```ts
 * import { defaultThreads } from "@neuropose/infer";
 * console.log(defaultThreads()); // 1 on a 2-core machine
 * ```
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
}

/** Options of {@link createRunner}. */
export interface RunnerOptions {
  device?: Device | undefined;
  /** Intra-op threads (default {@link defaultThreads}). */
  threads?: number | undefined;
  logger?: Logger | undefined;
  /** Label for messages (e.g. "pose_landmark_full"). */
  label?: string | undefined;
}

/**
 * Which providers to try, in order, for a device request. Throws `E_PROVIDER_UNSUPPORTED` (a user error) for a
 * name this build of onnxruntime-node does not know on this platform at all.
 *
 * @example
 * ```ts
 * import { providerOrder } from "@neuropose/infer";
 * console.log(providerOrder("auto")); // ["cuda", "cpu"] where the CUDA provider is installed, else ["cpu"]
 * ```
 */
export function providerOrder(device: Device = "auto"): Exclude<Device, "auto">[] {
  const listed = new Set(ort.listSupportedBackends().map((b) => b.name));
  if (device === "auto") return listed.has("cuda") && cudaProviderInstalled() ? ["cuda", "cpu"] : ["cpu"];
  if (device === "cpu") return ["cpu"];
  if (!(DEVICES as readonly string[]).includes(device)) {
    // also reachable from plain JS callers passing any string
    throw new InferError("E_PROVIDER_UNSUPPORTED", `unknown device "${device}"`, {
      hint: `use one of ${DEVICES.join(", ")}`,
    });
  }
  if (!listed.has(device)) {
    throw new InferError(
      "E_PROVIDER_UNSUPPORTED",
      `execution provider "${device}" is not available in onnxruntime-node on ${process.platform}-${process.arch} (available: ${[...listed].join(", ")})`,
      { hint: "use --device auto or --device cpu" },
    );
  }
  return [device, "cpu"];
}

/** The useful part of an onnxruntime provider error: its last sentence, without source locations. */
function providerFailure(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).trim().replace(/\s+/g, " ");
  const m = /was false\. (.+)$/.exec(text);
  const core = (m ? m[1]! : text).replace(/\S+\.(cc|cpp|h):\d+\s*/g, "").trim();
  return core.length > 160 ? `${core.slice(0, 157)}...` : core;
}

class OrtRunner implements TensorRunner {
  constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: string,
  ) {}
  get inputNames() {
    return this.session.inputNames;
  }
  get outputNames() {
    return this.session.outputNames;
  }
  async run(feeds: Record<string, FloatInput>, outputs?: readonly string[]) {
    const f: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) f[k] = new ort.Tensor("float32", v.data, v.dims);
    const res = outputs ? await this.session.run(f, outputs) : await this.session.run(f);
    const out: Record<string, Float32Array> = {};
    for (const [k, t] of Object.entries(res)) out[k] = t.data as Float32Array;
    return out;
  }
  async dispose() {
    await this.session.release();
  }
}

/**
 * Opens an ONNX model with the requested device, falling back in order (onnxruntime-node never falls back by
 * itself): each failure is logged once at warn level naming the provider and the reason, and the returned
 * runner's `provider` says what actually runs.
 *
 * @example
 * ```ts
 * import { createRunner } from "@neuropose/infer";
 * import { readFileSync } from "node:fs";
 * const runner = await createRunner(readFileSync("model.onnx"), { device: "auto" });
 * console.log(runner.provider); // "cpu" on a machine without CUDA
 * ```
 */
export async function createRunner(
  model: Uint8Array | string,
  options: RunnerOptions = {},
): Promise<TensorRunner> {
  const order = providerOrder(options.device ?? "auto");
  // Libraries never print: keep onnxruntime's native logger quiet; failures are reported through `logger`.
  ort.env.logLevel = "fatal";
  const failures: string[] = [];
  for (const p of order) {
    try {
      const opts: ort.InferenceSession.SessionOptions = {
        executionProviders: [p],
        graphOptimizationLevel: "all",
        // A provider that cannot load is reported once by us (below), not by onnxruntime's native logger.
        logSeverityLevel: 4,
      };
      // Default: half the cores (at most 4; 1 on a 2-core machine), leaving the rest to ffmpeg's decoding
      // and our preprocessing. Threads never spin-wait: on a busy machine spinning costs more than it saves.
      opts.intraOpNumThreads = options.threads ?? defaultThreads();
      opts.interOpNumThreads = 1;
      opts.extra = { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } };
      const session =
        typeof model === "string"
          ? await ort.InferenceSession.create(model, opts)
          : await ort.InferenceSession.create(model, opts);
      if (failures.length > 0) {
        options.logger?.warn(
          `${options.label ?? "model"}: execution provider ${failures.join("; ")}; running on ${p}`,
        );
      }
      return new OrtRunner(session, p);
    } catch (e) {
      const msg = providerFailure(e);
      failures.push(`${p} failed (${msg})`);
    }
  }
  throw new InferError(
    "E_PROVIDER_FAILED",
    `no execution provider could load the model: ${failures.join("; ")}`,
    {
      hint: "try --device cpu; check the model cache",
      kind: "user",
    },
  );
}

/**
 * The inference runtime and its version, for provenance.
 *
 * @example
 * ```ts
 * import { runtimeVersions } from "@neuropose/infer";
 * console.log(runtimeVersions()); // { name: "onnxruntime-node", version: "1.30.0" }
 * ```
 */
export function runtimeVersions(): { name: string; version: string } {
  return { name: "onnxruntime-node", version: ort.env.versions.node ?? ort.env.versions.common ?? "unknown" };
}
