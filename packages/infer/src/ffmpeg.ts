import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { InferError } from "./errors.js";

const require = createRequire(import.meta.url);

/** Resolved paths of the ffmpeg and ffprobe executables and where each came from. */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
  /** How each was found: "setting", "ffmpeg-static", "@ffmpeg-installer", "PATH". */
  sources: { ffmpeg: string; ffprobe: string };
}

/** Options of {@link resolveFfmpeg}: explicit paths (from settings) take precedence. */
export interface ResolveFfmpegOptions {
  ffmpegPath?: string | undefined;
  ffprobePath?: string | undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromPackage(name: string, field: "path" | "default"): string | undefined {
  try {
    const mod = require(name) as unknown;
    const p =
      typeof mod === "string"
        ? mod
        : ((mod as Record<string, unknown>)[field] ?? (mod as Record<string, unknown>).path);
    return typeof p === "string" && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

function onPath(exe: string): string | undefined {
  // Let the OS resolve the bare name through PATH (this package never reads the environment itself).
  try {
    const r = spawnSync(exe, ["-version"], { stdio: "ignore", timeout: 10_000 });
    return r.status === 0 ? exe : undefined;
  } catch {
    return undefined;
  }
}

function resolveOne(
  tool: "ffmpeg" | "ffprobe",
  explicit: string | undefined,
): { path: string; source: string } {
  const tried: string[] = [];
  if (explicit) {
    if (isExecutable(explicit)) return { path: explicit, source: "setting" };
    tried.push(`setting ${tool}Path=${explicit} (not an executable file)`);
  } else tried.push(`setting ${tool}Path (unset)`);
  const staticPkg = tool === "ffmpeg" ? "ffmpeg-static" : "ffprobe-static";
  const s = fromPackage(staticPkg, tool === "ffmpeg" ? "default" : "path");
  if (s && isExecutable(s)) return { path: s, source: staticPkg };
  tried.push(`${staticPkg} (${s ? "binary not executable" : "not installed or no binary"})`);
  const installer = tool === "ffmpeg" ? "@ffmpeg-installer/ffmpeg" : "@ffprobe-installer/ffprobe";
  const i = fromPackage(installer, "path");
  if (i && isExecutable(i)) return { path: i, source: installer };
  tried.push(`${installer} (${i ? `binary ${i} not executable` : "not installed"})`);
  const p = onPath(tool);
  if (p) return { path: p, source: "PATH" };
  tried.push(`\`${tool}\` on PATH (not found)`);
  throw new InferError("E_FFMPEG_NOT_FOUND", `no working ${tool} found; tried: ${tried.join("; ")}`, {
    hint: `install ${tool} or set NEUROPOSE_${tool.toUpperCase()}_PATH`,
    kind: "user",
  });
}

/**
 * Finds ffmpeg and ffprobe: explicit setting → ffmpeg-static / ffprobe-static (if their binary exists) →
 * @ffmpeg-installer / @ffprobe-installer (shipped with this package) → `PATH`. Fails with one error naming
 * everything tried.
 *
 * @example
 * ```ts
 * import { resolveFfmpeg } from "@neuropose/infer";
 * const tools = resolveFfmpeg({});
 * console.log(tools.ffmpeg, tools.sources.ffmpeg);
 * ```
 */
export function resolveFfmpeg(options: ResolveFfmpegOptions = {}): FfmpegTools {
  const f = resolveOne("ffmpeg", options.ffmpegPath);
  const p = resolveOne("ffprobe", options.ffprobePath);
  return { ffmpeg: f.path, ffprobe: p.path, sources: { ffmpeg: f.source, ffprobe: p.source } };
}
