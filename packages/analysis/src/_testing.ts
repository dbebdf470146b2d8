// Test helper (not part of the public API): `runAnalysis` options that serve the inputs from memory.
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
