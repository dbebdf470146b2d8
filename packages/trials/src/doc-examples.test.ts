// Every TSDoc @example of the public modules runs and prints what it says (see config/doc-examples.ts).
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { checkedExamplesSuite } from "../../../config/doc-examples.js";

checkedExamplesSuite(dirname(fileURLToPath(import.meta.url)), 10);
