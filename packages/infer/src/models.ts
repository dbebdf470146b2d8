import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "@neuropose/io";
import { InferError } from "./errors.js";
import type { Logger } from "./runtime.js";

const require = createRequire(import.meta.url);

/** Landmark model variants shipped in @mediapipe/pose. */
export type BlazePoseVariant = "lite" | "full" | "heavy";

/** Names of the models in the registry. */
export type ModelName = "pose_detection" | `pose_landmark_${BlazePoseVariant}`;

/** Where a registry model's bytes come from, and how it is converted. */
export interface ModelSpec {
  name: ModelName;
  /** npm package that ships the TFLite source. */
  sourcePackage: string;
  /** File inside the package. */
  sourceFile: string;
  /** Byte range of the model inside that file ([start, end)), when the file packs several assets. */
  byteRange?: [number, number];
  /** Outputs kept in the converted graph (unused outputs are pruned; smaller and faster). */
  keepOutputs?: string[];
}

const MEDIAPIPE = "@mediapipe/pose";

/**
 * The built-in model registry: the BlazePose detector and the three landmark models from @mediapipe/pose
 * (the detector is bytes 0..2962288 of `pose_solution_packed_assets.data`, which is pose_detection.tflite).
 *
 * @example
 * ```ts
 * import { MODEL_REGISTRY } from "@neuropose/infer";
 * console.log(MODEL_REGISTRY.pose_landmark_full.sourceFile); // "pose_landmark_full.tflite"
 * ```
 */
export const MODEL_REGISTRY: Record<ModelName, ModelSpec> = {
  pose_detection: {
    name: "pose_detection",
    sourcePackage: MEDIAPIPE,
    sourceFile: "pose_solution_packed_assets.data",
    byteRange: [0, 2962288],
  },
  pose_landmark_lite: {
    name: "pose_landmark_lite",
    sourcePackage: MEDIAPIPE,
    sourceFile: "pose_landmark_lite.tflite",
    keepOutputs: ["Identity", "Identity_1", "Identity_3", "Identity_4"],
  },
  pose_landmark_full: {
    name: "pose_landmark_full",
    sourcePackage: MEDIAPIPE,
    sourceFile: "pose_landmark_full.tflite",
    keepOutputs: ["Identity", "Identity_1", "Identity_3", "Identity_4"],
  },
  pose_landmark_heavy: {
    name: "pose_landmark_heavy",
    sourcePackage: MEDIAPIPE,
    sourceFile: "pose_landmark_heavy.tflite",
    keepOutputs: ["Identity", "Identity_1", "Identity_3", "Identity_4"],
  },
};

/** A converter from TFLite bytes to ONNX bytes (the signature of @neuropose/tflite-to-onnx's convertTflite). */
export type TfliteConverter = (
  tflite: Uint8Array,
  options: { float16Weights?: boolean; keepOutputs?: string[]; batch?: number | string },
) => { onnx: Uint8Array } | Promise<{ onnx: Uint8Array }>;

/** A model ready to load: the ONNX file in the cache and the hashes recorded for provenance. */
export interface CachedModel {
  name: ModelName;
  onnxPath: string;
  onnxSha256: string;
  sourceSha256: string;
  sourceFile: string;
  sourcePackageVersion: string;
  /** True when this call converted the model (first use or a rebuilt corrupt entry). */
  converted: boolean;
}

/** Options of {@link ensureModel}. */
export interface EnsureModelOptions {
  /** The model cache folder (from settings: modelCacheDir). */
  cacheDir: string;
  logger?: Logger | undefined;
  /** Converter to use (default: @neuropose/tflite-to-onnx's convertTflite). */
  converter?: TfliteConverter | undefined;
  /** Source bytes to use instead of the installed package's (tests). */
  sourceBytes?: Uint8Array | undefined;
}

interface CacheEntry {
  format: 1;
  name: string;
  source_package: string;
  source_package_version: string;
  source_file: string;
  source_sha256: string;
  onnx_sha256: string;
  keep_outputs: string[] | null;
  created_at: string;
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Reads a registry model's TFLite source bytes (from the installed package) and the package version.
 *
 * @example
 * ```ts
 * import { MODEL_REGISTRY, readModelSource } from "@neuropose/infer";
 * const { bytes, version } = readModelSource(MODEL_REGISTRY.pose_landmark_lite);
 * console.log(bytes.length, version); // the .tflite size, "0.5.1675469404"
 * ```
 */
export function readModelSource(spec: ModelSpec): { bytes: Uint8Array; version: string; path: string } {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${spec.sourcePackage}/package.json`);
  } catch {
    throw new InferError("E_MODEL_SOURCE", `${spec.sourcePackage} is not installed`, {
      hint: `reinstall @neuropose/infer (it depends on ${spec.sourcePackage})`,
    });
  }
  const path = join(dirname(pkgJson), spec.sourceFile);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InferError("E_MODEL_SOURCE", `cannot read the model source: ${(e as Error).message}`, { path });
  }
  if (spec.byteRange) bytes = bytes.subarray(spec.byteRange[0], spec.byteRange[1]);
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  return { bytes, version, path };
}

async function defaultConverter(): Promise<TfliteConverter> {
  const mod = (await import("@neuropose/tflite-to-onnx")) as unknown as { convertTflite?: TfliteConverter };
  if (typeof mod.convertTflite !== "function") {
    throw new InferError("E_MODEL_SOURCE", "@neuropose/tflite-to-onnx does not export convertTflite", {
      kind: "bug",
    });
  }
  return mod.convertTflite;
}

function cacheError(path: string, e: unknown): InferError {
  const code = (e as { code?: string }).code;
  return new InferError("E_MODEL_CACHE", `model cache is not usable: ${(e as Error).message}`, {
    path,
    hint:
      code === "EACCES" || code === "EPERM"
        ? "fix the folder's permissions or set NEUROPOSE_MODEL_CACHE_DIR to a writable folder"
        : "set NEUROPOSE_MODEL_CACHE_DIR to a writable folder",
    cause: e,
  });
}

/**
 * Returns a registry model from the cache, converting it from the installed @mediapipe/pose on first use.
 * The entry is keyed by the source's sha256; both the source and ONNX sha256 are recorded in `entry.json`
 * and checked on every load, so a corrupt or partial entry is detected (logged at warn) and rebuilt. Every
 * file goes through an atomic write. An unreadable or unwritable cache fails with `E_MODEL_CACHE`.
 *
 * @example
 * ```ts
 * import { ensureModel } from "@neuropose/infer";
 * const m = await ensureModel("pose_landmark_lite", { cacheDir: "/tmp/neuropose-models" });
 * console.log(m.onnxPath, m.sourceSha256, m.onnxSha256);
 * ```
 */
export async function ensureModel(name: ModelName, options: EnsureModelOptions): Promise<CachedModel> {
  const spec = MODEL_REGISTRY[name];
  if (!spec) {
    throw new InferError("E_MODEL_UNKNOWN", `unknown model "${name}"`, {
      hint: `one of ${Object.keys(MODEL_REGISTRY).join(", ")}`,
    });
  }
  const src = options.sourceBytes
    ? { bytes: options.sourceBytes, version: "custom", path: spec.sourceFile }
    : readModelSource(spec);
  const sourceSha256 = sha256(src.bytes);
  const dir = join(options.cacheDir, `${name}-${sourceSha256.slice(0, 16)}`);
  const onnxPath = join(dir, "model.onnx");
  const entryPath = join(dir, "entry.json");
  try {
    const st = statSync(options.cacheDir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw cacheError(options.cacheDir, e);
  }
  // Warm path: verify the entry.
  let entryText: string | undefined;
  try {
    entryText = readFileSync(entryPath, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "ENOENT") throw cacheError(entryPath, e);
  }
  if (entryText !== undefined) {
    let problem: string | undefined;
    try {
      const entry = JSON.parse(entryText) as CacheEntry;
      if (entry.source_sha256 !== sourceSha256) problem = "source hash differs";
      else {
        let onnx: Uint8Array | undefined;
        try {
          onnx = readFileSync(onnxPath);
        } catch (e) {
          if ((e as { code?: string }).code !== "ENOENT") throw cacheError(onnxPath, e);
          problem = "model.onnx is missing";
        }
        if (onnx) {
          const h = sha256(onnx);
          if (h !== entry.onnx_sha256)
            problem = `model.onnx sha256 ${h.slice(0, 12)} != recorded ${entry.onnx_sha256.slice(0, 12)}`;
          else
            return {
              name,
              onnxPath,
              onnxSha256: h,
              sourceSha256,
              sourceFile: spec.sourceFile,
              sourcePackageVersion: entry.source_package_version,
              converted: false,
            };
        }
      }
    } catch (e) {
      if (e instanceof InferError) throw e;
      problem = "entry.json is not valid JSON";
    }
    options.logger?.warn(`model cache entry ${dir} is corrupt (${problem}); rebuilding it`);
  }
  options.logger?.info(`converting ${name} from ${spec.sourcePackage}/${spec.sourceFile} (first use)`);
  const convert = options.converter ?? (await defaultConverter());
  const { onnx } = await convert(src.bytes, {
    float16Weights: false,
    ...(spec.keepOutputs ? { keepOutputs: spec.keepOutputs } : {}),
  });
  const onnxSha256 = sha256(onnx);
  const entry: CacheEntry = {
    format: 1,
    name,
    source_package: spec.sourcePackage,
    source_package_version: src.version,
    source_file: spec.sourceFile,
    source_sha256: sourceSha256,
    onnx_sha256: onnxSha256,
    keep_outputs: spec.keepOutputs ?? null,
    created_at: new Date().toISOString(),
  };
  try {
    await writeFileAtomic(onnxPath, onnx);
    await writeFileAtomic(entryPath, `${JSON.stringify(entry, null, 2)}\n`);
  } catch (e) {
    throw cacheError(dir, e);
  }
  return {
    name,
    onnxPath,
    onnxSha256,
    sourceSha256,
    sourceFile: spec.sourceFile,
    sourcePackageVersion: src.version,
    converted: true,
  };
}
