// The plan of a run: the config with every default explicit, globs expanded and inputs resolved on disk.
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { AnalysisConfig } from "@neuropose/io";
import { glob, isDynamicPattern } from "tinyglobby";
import { DEFAULT_MISSING_FRAMES } from "./_missing.js";
import { AnalysisRunError } from "./errors.js";
import type { RunAnalysisOptions } from "./run.js";

/** One input file of a run, as written in the config and resolved on disk. */
export interface PlannedInput {
  role: "primary" | "reference" | "cohort";
  path: string;
  absolute: string;
}

/** What {@link planAnalysis} returns: the resolved config, the folder inputs resolve against, every input. */
export interface AnalysisPlan {
  config: AnalysisConfig;
  baseDir: string;
  inputs: PlannedInput[];
}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

/** The YAML file's path as errors and the report show it: relative to the working directory, with "/". */
export function shownConfigPath(configPath: string | undefined): string | null {
  return configPath ? toPosix(relative(process.cwd(), configPath) || configPath) : null;
}

async function defaultGlob(pattern: string, baseDir: string): Promise<string[]> {
  const found = await glob(pattern, { cwd: baseDir, onlyFiles: true, expandDirectories: false });
  return found.map(toPosix).sort();
}

/**
 * Resolve a config without running it (what `--dry-run` shows): defaults made explicit, globs in
 * `inputs.references` / `inputs.cohort` expanded (sorted) and every input resolved against `baseDir` (the YAML
 * file's folder). Throws `E_INPUT_GLOB` when a pattern matches nothing.
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig, planAnalysis } from "@neuropose/analysis";
 * const cfg = parseAnalysisConfig({ inputs: { primary: "a.json" }, analysis: { kind: "none" }, output: { report: "r.json" } });
 * const plan = await planAnalysis(cfg, { baseDir: "/data/exp1" });
 * plan.inputs[0].absolute; // "/data/exp1/a.json"
 * ```
 */
export async function planAnalysis(
  config: AnalysisConfig,
  options: Pick<RunAnalysisOptions, "baseDir" | "configPath" | "expandGlob"> = {},
): Promise<AnalysisPlan> {
  const baseDir = resolve(
    options.baseDir ?? (options.configPath ? dirname(options.configPath) : process.cwd()),
  );
  const expandGlob = options.expandGlob ?? defaultGlob;
  const resolved = resolveConfig(config);
  const expand = async (patterns: string[], what: string) => {
    const out: string[] = [];
    for (const p of patterns) {
      if (!isDynamicPattern(p)) {
        out.push(p);
        continue;
      }
      const found = await expandGlob(p, baseDir);
      if (found.length === 0) {
        throw new AnalysisRunError("E_INPUT_GLOB", `no file matches ${what} pattern '${p}'`, {
          path: baseDir,
          hint: "globs resolve against the YAML file's folder",
        });
      }
      out.push(...found);
    }
    return [...new Set(out)];
  };
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const inputs: PlannedInput[] = [];
  const i = resolved.inputs;
  if (i.cohort) {
    i.cohort = await expand(i.cohort, "inputs.cohort");
    // Counted on the expanded files: one glob matching 50 trials is a cohort of 50.
    if (i.cohort.length < 2) {
      throw new AnalysisRunError(
        "E_INPUT_GLOB",
        `inputs.cohort names ${i.cohort.length} trial after expanding its patterns; a cohort needs at least 2`,
        {
          path: baseDir,
          hint: "list two or more files, or a glob that matches them (relative to the YAML file)",
        },
      );
    }
    for (const p of i.cohort) inputs.push({ role: "cohort", path: p, absolute: abs(p) });
  } else {
    if (i.primary) inputs.push({ role: "primary", path: i.primary, absolute: abs(i.primary) });
    if (i.reference) inputs.push({ role: "reference", path: i.reference, absolute: abs(i.reference) });
    if (i.references) {
      i.references = (await expand(i.references, "inputs.references")).filter((p) => p !== i.reference);
      for (const p of i.references) inputs.push({ role: "reference", path: p, absolute: abs(p) });
    }
  }
  return { config: resolved, baseDir, inputs };
}

/**
 * The config with every default made explicit (what `--dry-run` prints and the report records): for DTW,
 * `algorithm` ("exact" unless written), `radius` (1 with fastdtw) and `time_normalize` ("auto").
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig, resolveConfig } from "@neuropose/analysis";
 * const cfg = parseAnalysisConfig({ inputs: { primary: "a", reference: "b" }, analysis: { kind: "dtw" }, output: { report: "r" } });
 * resolveConfig(cfg).analysis; // { ..., algorithm: "exact", time_normalize: "auto" }
 * ```
 */
export function resolveConfig(config: AnalysisConfig): AnalysisConfig {
  const c = structuredClone(config);
  c.preprocessing.missing_frames = { ...DEFAULT_MISSING_FRAMES, ...(c.preprocessing.missing_frames ?? {}) };
  if (c.analysis.kind === "dtw") {
    const a = c.analysis;
    a.algorithm = a.algorithm ?? "exact";
    if (a.algorithm === "fastdtw") a.radius = a.radius ?? 1;
    a.time_normalize = a.time_normalize ?? "auto";
  }
  return c;
}
