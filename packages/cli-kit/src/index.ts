export * from "./errors.js";
export * from "./logger.js";
export * from "./progress.js";
export * from "./run-main.js";
export * from "./signals.js";
