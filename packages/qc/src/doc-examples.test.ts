// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts).
import { builtExamplesSuite } from "../../../config/doc-examples.js";

builtExamplesSuite(import.meta.url, "@neuropose/qc", { atLeast: 4 });
