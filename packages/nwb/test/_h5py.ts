// Edit NWB files with h5py (Debian python3-h5py) to build files our writer never writes: other tools' dtypes and
// filters, and broken files. Tests skip (with the reason) when h5py is not installed.
import { spawnSync } from "node:child_process";

const PY = "/usr/bin/python3";

/** Why h5py cannot be used here, or undefined when it can. */
export function h5pyMissing(): string | undefined {
  const r = spawnSync(PY, ["-c", "import h5py, numpy"], { encoding: "utf8" });
  return r.status === 0
    ? undefined
    : `h5py is not installed (${PY} -c "import h5py"): apt-get install python3-h5py`;
}

/** Run Python with `f` = the file opened read-write by h5py, `np` = numpy. */
export function h5pyEdit(file: string, code: string): void {
  const script = `import h5py, numpy as np, sys\nwith h5py.File(sys.argv[1], "r+") as f:\n${code
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n")}\n`;
  const r = spawnSync(PY, ["-c", script, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`h5py edit failed: ${r.stderr}`);
}
