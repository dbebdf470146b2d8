#!/usr/bin/env node
// Runs one of the repository's CLIs from the folder the user typed the command in.
//
// `pnpm neuropose-infer clip.mp4` runs the root package.json script in the repository root, so `clip.mp4` would
// be looked for there. pnpm (and npm) pass the folder the user stood in as INIT_CWD; this shim moves there and
// then runs the CLI, so every relative path (inputs, -o, configs) means what the user meant.
//   usage (in package.json scripts): node scripts/in-init-cwd.mjs apps/neuropose-infer/bin.js
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [bin, ...args] = process.argv.slice(2);
const binPath = resolve(bin); // before chdir: relative to the repository root, where pnpm runs scripts
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read at run time by this shim, never by a turbo task
const initCwd = process.env.INIT_CWD;
if (initCwd) process.chdir(initCwd);
process.argv = [process.argv[0], binPath, ...args];
await import(pathToFileURL(binPath).href);
