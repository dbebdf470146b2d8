import { mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { sha256Hex, writeFileAtomic } from "@neuropose/io";
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
  /** The bytes of `onnxPath` that were hashed to `onnxSha256`: load these instead of reading the file again. */
  onnx: Uint8Array;
  onnxSha256: string;
  sourceSha256: string;
  sourceFile: string;
  sourcePackageVersion: string;
  /** Where the source came from, e.g. "@mediapipe/pose@0.5.1675469404/pose_landmark_full.tflite". */
  source: string;
  /** Version of the converter that produced the ONNX (part of the cache key). */
  converterVersion: string;
  /** The cache key: sha256 of the source hash, converter version and conversion options. */
  cacheKey: string;
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
  /**
   * Version of `converter`, part of the cache key (default: @neuropose/tflite-to-onnx's CONVERTER_VERSION for
   * the default converter, "custom" for a custom one).
   */
  converterVersion?: string | undefined;
  /** Store weights as float16 where lossless (a conversion option; part of the cache key). Default false. */
  float16Weights?: boolean | undefined;
  /** Source bytes to use instead of the installed package's (tests). */
  sourceBytes?: Uint8Array | undefined;
}

interface CacheEntry {
  format: 2;
  name: string;
  /** sha256 of the JSON of {@link CacheKeyParts}; the entry folder is `<name>-<first 16 hex>`. */
  cache_key: string;
  source_package: string;
  source_package_version: string;
  source_file: string;
  source_byte_range: [number, number] | null;
  source_sha256: string;
  converter_version: string;
  float16_weights: boolean;
  keep_outputs: string[] | null;
  onnx_sha256: string;
  created_at: string;
}

/** Everything that determines the converted bytes: a change to any of them gives a different entry. */
interface CacheKeyParts {
  source_sha256: string;
  converter_version: string;
  float16_weights: boolean;
  keep_outputs: string[] | null;
}

const sha256 = sha256Hex;

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

async function defaultConverter(): Promise<{ convert: TfliteConverter; version: string }> {
  const mod = (await import("@neuropose/tflite-to-onnx")) as unknown as {
    convertTflite?: TfliteConverter;
    CONVERTER_VERSION?: string;
  };
  if (typeof mod.convertTflite !== "function" || typeof mod.CONVERTER_VERSION !== "string") {
    throw new InferError(
      "E_MODEL_SOURCE",
      "@neuropose/tflite-to-onnx does not export convertTflite and CONVERTER_VERSION",
      { kind: "bug" },
    );
  }
  return { convert: mod.convertTflite, version: mod.CONVERTER_VERSION };
}

/** The provenance `source` of a registry model: package@version/file, with the byte range when there is one. */
function sourceLabel(spec: ModelSpec, version: string): string {
  const range = spec.byteRange ? `#bytes=${spec.byteRange[0]}-${spec.byteRange[1] - 1}` : "";
  return `${spec.sourcePackage}@${version}/${spec.sourceFile}${range}`;
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
 * The entry is keyed by the source's sha256, the converter's version (@neuropose/tflite-to-onnx's
 * `CONVERTER_VERSION`) and the conversion options (kept outputs, float16 weights), so a new converter or
 * option gives a new entry instead of reusing stale bytes. `entry.json` records all of them with the ONNX
 * sha256; they are checked on every load, so a corrupt, partial or mismatching entry is detected (logged at
 * warn) and rebuilt. Every file goes through an atomic write. An unreadable or unwritable cache fails with
 * `E_MODEL_CACHE`.
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
  const builtin = options.converter ? undefined : await defaultConverter();
  const converterVersion = options.converterVersion ?? builtin?.version ?? "custom";
  const float16Weights = options.float16Weights ?? false;
  const keyParts: CacheKeyParts = {
    source_sha256: sourceSha256,
    converter_version: converterVersion,
    float16_weights: float16Weights,
    keep_outputs: spec.keepOutputs ?? null,
  };
  const cacheKey = sha256(new TextEncoder().encode(JSON.stringify(keyParts)));
  const source = sourceLabel(spec, src.version);
  const dir = join(options.cacheDir, `${name}-${cacheKey.slice(0, 16)}`);
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
      const mismatch = (Object.keys(keyParts) as (keyof CacheKeyParts)[]).find(
        (k) => JSON.stringify(entry[k]) !== JSON.stringify(keyParts[k]),
      );
      if (mismatch) problem = `${mismatch} differs`;
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
              onnx,
              onnxSha256: h,
              sourceSha256,
              sourceFile: spec.sourceFile,
              sourcePackageVersion: entry.source_package_version,
              source,
              converterVersion,
              cacheKey,
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
  const convert = options.converter ?? (builtin as { convert: TfliteConverter }).convert;
  const { onnx } = await convert(src.bytes, {
    float16Weights,
    ...(spec.keepOutputs ? { keepOutputs: spec.keepOutputs } : {}),
  });
  const onnxSha256 = sha256(onnx);
  const entry: CacheEntry = {
    format: 2,
    name,
    cache_key: cacheKey,
    source_package: spec.sourcePackage,
    source_package_version: src.version,
    source_file: spec.sourceFile,
    source_byte_range: spec.byteRange ?? null,
    source_sha256: sourceSha256,
    converter_version: converterVersion,
    float16_weights: float16Weights,
    keep_outputs: spec.keepOutputs ?? null,
    onnx_sha256: onnxSha256,
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
    onnx,
    onnxSha256,
    sourceSha256,
    sourceFile: spec.sourceFile,
    sourcePackageVersion: src.version,
    source,
    converterVersion,
    cacheKey,
    converted: true,
  };
}
