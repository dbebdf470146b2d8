import { packageConfig } from "../../config/tsup.js";

// metadata-flags is its own entry so CLIs can define their NWB flags without loading h5wasm; no code splitting, so
// dist/index.js stays one self-contained file (as the doc-example runner copies it)
export default packageConfig(["src/index.ts", "src/metadata-flags.ts"], { splitting: false });
