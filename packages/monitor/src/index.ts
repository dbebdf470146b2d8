// Public API of @neuropose/monitor, listed by name.
export { createMonitorHandler, type MonitorOptions, type RunningMonitor, startMonitor } from "./server.js";
export { isLoopback, tokenMatches } from "./token.js";
