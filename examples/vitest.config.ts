import { packageProject } from "../config/vitest.js";

// The README commands run real CLIs (each a few seconds; the infer example decodes a whole clip).
export default packageProject(import.meta.url, { testTimeout: 600_000 });
