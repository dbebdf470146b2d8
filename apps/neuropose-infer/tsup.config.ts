import { packageConfig } from "../../config/tsup.js";

// main.ts is the bin entry: it answers --help/--version from dist/help.txt (rendered here) without loading cli.ts.
export default packageConfig(["src/index.ts", "src/main.ts"], {
  onSuccess: "node ../../config/gen-help.mjs",
});
