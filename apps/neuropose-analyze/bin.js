#!/usr/bin/env node
// dist/main.js answers --help/--version without loading the command code (see src/main.ts).
import { runBuiltCli } from "@neuropose/cli-kit/bin";

await runBuiltCli(import.meta.url, "neuropose-analyze");
