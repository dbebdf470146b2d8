export { capYoungGeneration, YOUNG_GENERATION_FLAG } from "./_young-generation.js";
export * from "./cli.js";
export { run } from "./main.js";
