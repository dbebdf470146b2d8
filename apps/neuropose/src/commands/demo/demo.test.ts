import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli.js";

let dir: string;
let out: string[];

beforeEach(() => {
  out = [];
  dir = join(mkdtempSync(join(tmpdir(), "neuropose-demo-")), "neuropose-demo");
  vi.spyOn(process.stdout, "write").mockImplementation((c) => out.push(String(c)) > 0);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  process.exitCode = undefined;
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(join(dir, ".."), { recursive: true, force: true });
  process.exitCode = undefined;
});

describe("neuropose demo never overwrites the user's files", () => {
  it("re-running over its own untouched files writes in place", async () => {
    await main(["demo", "--out", dir]);
    await main(["demo", "--out", dir]);
    expect(process.exitCode ?? 0).toBe(0);
    expect(existsSync(`${dir}-2`)).toBe(false);
  });

  it("an edited demo.yaml is kept; the demo goes beside it, and --force writes over it", async () => {
    await main(["demo", "--out", dir]);
    const edited = `${readFileSync(join(dir, "demo.yaml"), "utf8")}# my edit\n`;
    writeFileSync(join(dir, "demo.yaml"), edited);
    out = [];
    await main(["demo", "--out", dir]);
    expect(process.exitCode ?? 0).toBe(0);
    expect(readFileSync(join(dir, "demo.yaml"), "utf8")).toBe(edited);
    expect(existsSync(join(`${dir}-2`, "report.html"))).toBe(true);
    expect(out.join("")).toContain("has files you changed (demo.yaml)");
    // a third run reuses the demo's own second folder rather than making a third
    await main(["demo", "--out", dir]);
    expect(existsSync(`${dir}-3`)).toBe(false);

    await main(["demo", "--out", dir, "--force"]);
    expect(readFileSync(join(dir, "demo.yaml"), "utf8")).not.toBe(edited);
  });
});
