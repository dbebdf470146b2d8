import { packageConfig } from "../../config/tsup.js";

export default packageConfig(["src/index.ts", "src/_pair-worker.ts", "src/_load-worker.ts"]);
