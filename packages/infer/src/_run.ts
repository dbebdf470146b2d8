import { execFile } from "node:child_process";

/** Runs a tool to completion and returns stdout (rejects with stderr on a non-zero exit). */
export function runTool(
  exe: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolveP) => {
    execFile(exe, args, { maxBuffer: 256 * 1024 * 1024, encoding: "utf8", signal }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === "number"
          ? (err as { code: number }).code
          : 1
        : 0;
      resolveP({ stdout, stderr, code });
    });
  });
}
