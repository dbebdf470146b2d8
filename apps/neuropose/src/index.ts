export { buildCli, main } from "./cli.js";
export { run } from "./main.js";
