// The published entry is `main` (and `run`, the bin's entry) only: buildCli returns a yargs parser, and exposing it
// would make every TypeScript user of this package need @types/yargs (the release rehearsal type-checks with
// skipLibCheck:false).
export { main } from "./cli.js";
export { run } from "./main.js";
