export * from "./confidence.js";
export * from "./errors.js";
export * from "./gait.js";
export * from "./peaks.js";
export * from "./segment.js";
export * from "./stride.js";
