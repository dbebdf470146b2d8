// io's zod schemas, loaded on first use rather than at import: `import("@neuropose/segment")` then loads no
// schema library (issue 11), and the option checks below stay synchronous. require() of io's ESM build works on
// every Node this package supports (>= 20.19) and shares the module instance with `import`.
import { createRequire } from "node:module";

type Io = typeof import("@neuropose/io");

let io: Io | undefined;

/** @neuropose/io's full entry (schemas, validateWith), loaded once on the first call. */
export function schemas(): Io {
  io ??= createRequire(import.meta.url)("@neuropose/io") as Io;
  return io;
}
