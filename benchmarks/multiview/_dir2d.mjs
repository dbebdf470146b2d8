// The accuracy scripts' one argument: the folder of 2D a `neuropose-infer --cameras … --save-2d DIR_2D` run wrote.
import { resolve } from "node:path";

/** DIR_2D from argv, resolved; prints the usage and exits 2 without it. */
export function dir2dArg(script) {
  const a = process.argv[2];
  if (!a || a.startsWith("--")) {
    console.error(
      `usage: node benchmarks/multiview/${script} DIR_2D [options]  (DIR_2D: the 2D a \`neuropose-infer --cameras … --save-2d DIR_2D\` run wrote)`,
    );
    process.exit(2);
  }
  return resolve(a);
}
