import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { YOUNG_GENERATION_FLAG } from "./startup.js";

// A process that allocates steadily with a few survivors per step (as a long inference does): its young
// generation grows by default and stays at the start size with neuropose-infer's start-up flag, set at run time.
const child = (flag: string | undefined) => {
  const code = `
    const v8 = require("node:v8");
    ${flag ? `v8.setFlagsFromString(${JSON.stringify(flag)});` : ""}
    const keep = [];
    for (let i = 0; i < 200000; i++) {
      const frame = Array.from({ length: 33 }, (_, j) => [i, j, i * j]);
      JSON.stringify(frame);
      keep.push(frame);
      if (keep.length > 64) keep.shift();
    }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    console.log(ns.space_size);`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
  return Number(r.stdout.trim()) / 2 ** 20;
};

describe("capYoungGeneration's flag", () => {
  it("keeps V8's young generation at its start size, where it grows by default", () => {
    const capped = child(YOUNG_GENERATION_FLAG);
    const grown = child(undefined);
    expect(capped).toBeLessThanOrEqual(2);
    expect(grown).toBeGreaterThan(capped);
  });
});
