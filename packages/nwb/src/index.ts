export { checkNwbSpec } from "./_check.js";
export * from "./errors.js";
export * from "./export.js";
export * from "./metadata-flags.js";
export * from "./reader.js";
export * from "./stream.js";
export * from "./types.js";
export * from "./validate.js";
export * from "./writer.js";
