// Test helper for the real-world fixtures in ../shared/fixtures (never copied into this repo).
// Tests that need them call `fixtureSuite` / `fixturePath`: when the folder is absent the suite is
// skipped and the reason is printed once; when it is present the tests must run and pass.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "vitest";
import { repoRoot } from "./vitest.js";

export const fixturesDir = resolve(repoRoot, "..", "shared", "fixtures");

export function fixturePath(...parts: string[]): string {
  return join(fixturesDir, ...parts);
}

export function haveFixture(...parts: string[]): boolean {
  return existsSync(fixturePath(...parts));
}

const warned = new Set<string>();

/** `describe` that runs when `../shared/fixtures/<parts>` exists and otherwise skips with a printed reason. */
export function fixtureSuite(name: string, parts: string[], fn: () => void): void {
  if (haveFixture(...parts)) {
    describe(name, fn);
    return;
  }
  const reason = `skipped "${name}": fixture ${fixturePath(...parts)} is absent (clone ../shared beside the repo to run it)`;
  if (!warned.has(reason)) {
    warned.add(reason);
    console.warn(reason);
  }
  // The suite body is not even collected: it may read the fixture at definition time. One skipped placeholder
  // keeps the suite (and its reason) visible in the report.
  describe.skip(`${name} [${reason}]`, () => {
    it("needs the fixture", () => {});
  });
}
