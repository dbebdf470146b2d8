import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeGaitPredictions } from "@neuropose/analysis";
import { loadVideoPredictions, saveVideoPredictions } from "@neuropose/io";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSegment } from "./run.js";

let dir: string;
const base = {
  method: "valley_to_valley_v1" as const,
  axis: "y" as const,
  invert: false,
  "min-cycle": 0.4,
  person: 0,
  force: false,
};
const sink = () => {
  const lines: string[] = [];
  return { lines, write: (s: string) => lines.push(s) };
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "np-segment-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("neuropose segment", () => {
  it("writes both heels' cycles into the file, atomically; refuses to overwrite without --force", async () => {
    const file = join(dir, "walk.json");
    await saveVideoPredictions(file, synthesizeGaitPredictions({ frames: 180 }) as never);
    const out = sink();
    await runSegment({ ...base, predictions: file }, out);
    const preds = await loadVideoPredictions(file);
    expect(Object.keys(preds.segmentations).sort()).toEqual(["left_heel_strikes", "right_heel_strikes"]);
    expect(preds.segmentations.left_heel_strikes?.segments.length).toBeGreaterThan(2);
    expect(out.lines.join("")).toMatch(
      /^left_heel_strikes: \d+ segment\(s\)\nright_heel_strikes: \d+ segment\(s\)\n$/,
    );
    expect(readdirSync(dir)).toEqual(["walk.json"]); // no temp file left
    await expect(runSegment({ ...base, predictions: file }, sink())).rejects.toThrow(
      /already hold segmentation "left_heel_strikes", "right_heel_strikes"/,
    );
    await runSegment({ ...base, predictions: file, joint: "lhee", name: "left" }, sink());
    expect(Object.keys((await loadVideoPredictions(file)).segmentations).sort()).toEqual([
      "left",
      "left_heel_strikes",
      "right_heel_strikes",
    ]);
  });
});
