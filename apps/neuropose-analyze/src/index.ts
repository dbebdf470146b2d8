export * from "./cli.js";
export { run } from "./main.js";
