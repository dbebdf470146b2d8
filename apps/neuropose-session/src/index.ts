// Public API of @neuropose/neuropose-session.
export { type CliStreams, main, sessionCli } from "./cli.js";
