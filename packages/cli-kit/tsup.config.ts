import { packageConfig } from "../../config/tsup.js";

// startup.ts is the dependency-free entry `@neuropose/cli-kit/startup` (see its header).
export default packageConfig(["src/index.ts", "src/startup.ts"]);
