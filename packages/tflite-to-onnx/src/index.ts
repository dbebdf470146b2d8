export * from "./convert.js";
export * from "./errors.js";
export * from "./read.js";
