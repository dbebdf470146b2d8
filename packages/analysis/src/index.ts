export * from "./config.js";
export * from "./errors.js";
export * from "./html.js";
export * from "./output.js";
export * from "./run.js";
export * from "./summary.js";
export * from "./synthesize.js";
