export { analyzeCli, type CliStreams, main } from "./cli.js";
export { run } from "./main.js";
