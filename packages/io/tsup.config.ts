import { packageConfig } from "../../config/tsup.js";

// core.ts is the zod-free entry `@neuropose/io/core` (see its header).
export default packageConfig(["src/index.ts", "src/core.ts"]);
