// Test helpers (not part of the public API): in-memory `runAnalysis` inputs and a shared analysis block.
import { stringifyJson } from "@neuropose/io";

/**
 * Options for `runAnalysis` under /virtual/exp that read each input from `files` (keyed by the path as written in
 * the config; a missing one is ENOENT) and expand globs (`*` within one folder) over the keys of `files`.
 */
export function virtualIo(files: Record<string, unknown>) {
  return {
    baseDir: "/virtual/exp",
    readInput: async (_abs: string, written: string) => {
      if (!(written in files)) throw Object.assign(new Error("absent"), { code: "ENOENT" });
      return stringifyJson(files[written]);
    },
    expandGlob: async (pattern: string) => {
      const re = new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\*/g, "[^/]*")}$`);
      return Object.keys(files)
        .filter((f) => re.test(f))
        .sort();
    },
  };
}

/**
 * The `analysis` block of the run and HTML tests: DTW on left and right knee angles (berkeley_mhad_43 indices)
 * after a Procrustes alignment per sequence, NaNs interpolated.
 */
export const KNEE_ANGLES_DTW = {
  kind: "dtw",
  align: "procrustes_per_sequence",
  representation: "angles",
  angle_triplets: [
    [27, 31, 32],
    [35, 39, 40],
  ],
  nan_policy: "interpolate",
};
