import { packageConfig } from "../../config/tsup.js";

// src/client/ is bundled after tsup (scripts/build-client.mjs) into dist/client.js.
export default packageConfig();
