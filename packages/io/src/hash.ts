// The one sha256 format of NeuroPose documents: lowercase hex of SHA-256 over the exact bytes (what
// `source_sha256`, `inputs[].sha256` and `config_sha256` hold). node:crypto only, no schema library.
// node:crypto and node:fs are taken on first use (process.getBuiltinModule, Node >= 20.16): @neuropose/io/core is
// imported by every math package, and loading crypto at import cost ~7 ms of each `import("@neuropose/dtw")`.
const createHash = (algorithm: string) =>
  (process.getBuiltinModule("node:crypto") as typeof import("node:crypto")).createHash(algorithm);
const createReadStream = (path: string) =>
  (process.getBuiltinModule("node:fs") as typeof import("node:fs")).createReadStream(path);

/**
 * SHA-256 of `data` as lowercase hex (strings are hashed as UTF-8).
 *
 * @example
 * ```ts
 * import { sha256Hex } from "@neuropose/io";
 * console.log(sha256Hex("abc")); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * SHA-256 of a file's bytes as lowercase hex, read as a stream (memory stays flat for large files).
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { sha256File } from "@neuropose/io";
 * writeFileSync("abc.txt", "abc");
 * console.log(await sha256File("abc.txt")); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}
