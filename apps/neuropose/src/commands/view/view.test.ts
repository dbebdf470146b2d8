import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeWalker } from "@neuropose/gait";
import { toNested } from "@neuropose/kinematics";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { blazeposeMetadata } from "../../../../../config/predictions.js";
import { main } from "../../cli.js";

let dir: string;
let err: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "neuropose-view-"));
  err = [];
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation((c) => err.push(String(c)) > 0);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function writePredictions(path: string) {
  const w = synthesizeWalker({ seconds: 4 });
  const nested = toNested(w.sequence);
  const frames: Record<string, unknown> = {};
  nested.forEach((pose, i) => {
    frames[`frame_${String(i).padStart(6, "0")}`] = {
      boxes: [[0, 0, 10, 10, 1]],
      poses3d: [pose],
      poses2d: [pose.map(([x, y]) => [x / 5, y / 5])],
    };
  });
  const doc = {
    schema_version: 1,
    metadata: blazeposeMetadata(nested.length),
    frames,
  };
  writeFileSync(path, JSON.stringify(doc));
}

describe("neuropose view", () => {
  it("writes one self-contained page (no external script or stylesheet)", async () => {
    const preds = join(dir, "walk.json");
    writePredictions(preds);
    const code = await main(["view", preds, "-o", join(dir, "walk.html")]);
    expect(err.join("")).toBe("");
    expect(code).toBe(0);
    const html = readFileSync(join(dir, "walk.html"), "utf8");
    expect(html).toContain('id="np-data"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).toContain("cadence \\u003cb>120.0"); // the table travels in the JSON data, "<" escaped
  });

  it("a missing predictions file is a user error (exit 2)", async () => {
    const code = await main(["view", join(dir, "nope.json")]);
    expect(code).toBe(2);
    expect(err.join("")).toMatch(/error:/);
  });
});
