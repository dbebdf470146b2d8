import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverFiles, requireFiles } from "./discover.js";
import { readStageSummary, runStage, StageSummarySchema } from "./stage.js";
import { expandTemplate } from "./templates.js";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "np-session-"));
}

describe("runStage", () => {
  it("runs, writes a valid summary, skips when unchanged, reruns on a changed input, config or --force", async () => {
    const dir = tmp();
    const input = join(dir, "in.txt");
    const out = join(dir, "out.txt");
    writeFileSync(input, "a");
    let runs = 0;
    const stage = (config: unknown, force = false) =>
      runStage(
        { stage: "sync", sessionId: "S1", summaryDir: dir, inputs: [input], config, force },
        async () => {
          runs++;
          writeFileSync(out, readFileSync(input));
          return {
            outputs: [out],
            counts: { pulses: 3 },
            flags: [{ code: "W_DRIFT", severity: "warn", message: "drift 60 ppm", value: 60, threshold: 50 }],
          };
        },
      );
    const first = await stage({ v: 1 });
    expect(first.skipped).toBe(false);
    const written = StageSummarySchema.parse(
      JSON.parse(readFileSync(join(dir, "sync_summary.json"), "utf8")),
    );
    expect(written.counts).toEqual({ pulses: 3 });
    expect(written.flags[0]?.threshold).toBe(50);
    expect(written.wall_s).toBeGreaterThanOrEqual(0);
    expect(written.outputs[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await stage({ v: 1 })).skipped).toBe(true);
    expect(runs).toBe(1);
    expect((await stage({ v: 2 })).skipped).toBe(false);
    writeFileSync(input, "b");
    expect((await stage({ v: 2 })).skipped).toBe(false);
    expect((await stage({ v: 2 }, true)).skipped).toBe(false);
    expect(runs).toBe(4);
    // An output that vanished is redone.
    writeFileSync(out, "changed size");
    expect((await stage({ v: 2 })).skipped).toBe(false);
  });

  it("a failing stage writes a failed summary and rethrows; a fail flag fails after writing", async () => {
    const dir = tmp();
    await expect(
      runStage({ stage: "pose", sessionId: "S1", summaryDir: dir, inputs: [], config: {} }, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await readStageSummary(dir, "pose"))?.status).toBe("failed");
    await expect(
      runStage({ stage: "sync", sessionId: "S1", summaryDir: dir, inputs: [], config: {} }, async () => ({
        outputs: [],
        flags: [
          {
            code: "E_SYNC_DRIFT",
            severity: "fail",
            message: "drift 120 ppm > 100 ppm",
            value: 120,
            threshold: 100,
          },
        ],
      })),
    ).rejects.toMatchObject({ code: "E_SYNC_DRIFT", kind: "user" });
    const s = await readStageSummary(dir, "sync");
    expect(s?.status).toBe("failed");
    expect(s?.error?.code).toBe("E_SYNC_DRIFT");
  });
});

describe("discovery", () => {
  it("orders by name either way and names the config key when nothing matches", async () => {
    const dir = tmp();
    for (const n of ["b.txt", "a.txt", "c.txt"]) writeFileSync(join(dir, n), n);
    expect((await discoverFiles(dir, "*.txt", "name_asc")).map((f) => f.relative)).toEqual([
      "a.txt",
      "b.txt",
      "c.txt",
    ]);
    expect((await discoverFiles(dir, "*.txt", "name_desc")).map((f) => f.relative)).toEqual([
      "c.txt",
      "b.txt",
      "a.txt",
    ]);
    await expect(
      requireFiles(dir, "Video/*.avi", "name_asc", "cameras[0].paths (cam0)"),
    ).rejects.toMatchObject({
      code: "E_SESSION_MISSING_INPUT",
      message: expect.stringContaining('cameras[0].paths (cam0) = "Video/*.avi"'),
    });
  });
});

describe("expandTemplate", () => {
  it("substitutes nested keys and refuses unknown ones", () => {
    const v = { session: { id: "S-1", date: "2025-01-01" } };
    expect(expandTemplate("Session {session.id} on {session.date}", v)).toBe("Session S-1 on 2025-01-01");
    expect(() => expandTemplate("{session.nope}.nwb", v, "nwb.file_name_template")).toThrow(
      /nwb\.file_name_template: unknown placeholder \{session\.nope\}/,
    );
  });
});
