/**
 * Runs the app whose `bin.js` is at `binUrl` (its `dist/main.js` `run(argv)`); says "not built yet" and exits 1
 * when dist/ is missing. See bin.mjs.
 */
export declare function runBuiltCli(binUrl: string, name: string, argv?: string[]): Promise<void>;
