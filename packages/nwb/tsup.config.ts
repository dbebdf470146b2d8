import { packageConfig } from "../../config/tsup.js";

// metadata-flags is its own entry so CLIs can define their NWB flags without loading h5wasm
export default packageConfig(["src/index.ts", "src/metadata-flags.ts"]);
