// Malformed input: each case is one PoseFormatError naming the file, the place inside it and a hint; fuzzed
// fixtures (fast-check mutations) never throw anything else.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isNeuroPoseError } from "@neuropose/io";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { PoseFormatError, readDlc, readLightningPose, readOpenPose, readSleap } from "./index.js";

const enc = (s: string) => new TextEncoder().encode(s);
const GOOD =
  "scorer,s,s,s,s,s,s\nbodyparts,a,a,a,b,b,b\ncoords,x,y,likelihood,x,y,likelihood\n0,1,2,0.9,3,4,0.8\n1,5,6,0.7,,,\n";

async function failure(p: Promise<unknown>): Promise<PoseFormatError> {
  try {
    await p;
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(PoseFormatError);
    const pe = e as PoseFormatError;
    expect(pe.kind).toBe("user");
    expect(pe.path).toBeTruthy();
    expect(pe.hint).toBeTruthy();
    return pe;
  }
  throw new Error("expected a PoseFormatError");
}

describe("DLC CSV: bad input", () => {
  it("reads the good case (empty cells are NaN)", async () => {
    const p = await readDlc(enc(GOOD), { name: "good.csv" });
    expect(p.keypoints).toEqual(["a", "b"]);
    expect(p.coords[6]).toBeNaN();
    expect(p.confidence[3]).toBeNaN();
    expect(p.stats.missingPoints).toBe(1);
  });

  it("an empty file", async () => {
    expect((await failure(readDlc(new Uint8Array(0), { name: "e.csv" }))).code).toBe("E_POSE_EMPTY");
    expect((await failure(readDlc(enc("\n\n"), { name: "e.csv" }))).code).toBe("E_POSE_EMPTY");
  });

  it("wrong header rows", async () => {
    const noScorer = await failure(readDlc(enc(GOOD.replace("scorer,", "frame,")), { name: "h.csv" }));
    expect([noScorer.code, noScorer.place, noScorer.path]).toEqual(["E_POSE_HEADER", "row 1", "h.csv"]);
    const noCoords = await failure(
      readDlc(
        enc(
          GOOD.split("\n")
            .filter((l) => !l.startsWith("coords"))
            .join("\n"),
        ),
        { name: "h.csv" },
      ),
    );
    expect(noCoords.code).toBe("E_POSE_HEADER");
    expect(noCoords.message).toMatch(/coords/);
    const short = await failure(
      readDlc(enc(GOOD.replace("bodyparts,a,a,a,b,b,b", "bodyparts,a,a,a,b,b")), { name: "h.csv" }),
    );
    expect([short.code, short.place]).toEqual(["E_POSE_HEADER", "row 2"]);
    const noY = await failure(
      readDlc(enc(GOOD.replace("x,y,likelihood,x,y", "x,q,likelihood,x,y")), { name: "h.csv" }),
    );
    expect(noY.message).toMatch(/a has no y column/);
  });

  it("a data row with a missing column names the row", async () => {
    const e = await failure(readDlc(enc(GOOD.replace("1,5,6,0.7,,,", "1,5,6,0.7,,")), { name: "m.csv" }));
    expect([e.code, e.place]).toEqual(["E_POSE_ROW", "row 5"]);
    expect(e.hint).toMatch(/column is missing/);
  });

  it("a cell that is not a number names row and column", async () => {
    const e = await failure(readDlc(enc(GOOD.replace("0,1,2,0.9", "0,1,abc,0.9")), { name: "v.csv" }));
    expect(e.code).toBe("E_POSE_VALUE");
    expect(e.place).toBe("row 4, column 3 (a/y)");
  });

  it("binary garbage and folders", async () => {
    expect(
      (await failure(readDlc(Uint8Array.of(0xff, 0xfe, 0x00, 0x80, 0x81), { name: "b.csv" }))).code,
    ).toBe("E_POSE_FORMAT");
    expect((await failure(readDlc(tmpdir()))).code).toBe("E_POSE_FORMAT");
    expect((await failure(readDlc("/no/such/file.csv"))).code).toBe("E_POSE_NOT_FOUND");
  });

  it("Lightning Pose CSVs read like DLC ones and keep their software name", async () => {
    const lp = await readLightningPose(enc(GOOD.replace(/,s/g, ",heatmap_tracker")), {
      name: "predictions.csv",
    });
    expect(lp.software).toEqual({ name: "Lightning Pose", scorer: "heatmap_tracker" });
    expect(lp.format).toBe("lightning-pose-csv");
    expect(lp.confidenceDefinition).toMatch(/Lightning Pose/);
  });

  it("multi-animal CSV with .1/.2 scorer suffixes and a unique-bodypart 'single' individual", async () => {
    const csv = [
      "scorer,S,S.1,S.2,S.3,S.4,S.5,S.6,S.7,S.8",
      "individuals,m1,m1,m1,m2,m2,m2,single,single,single",
      "bodyparts,nose,nose,nose,nose,nose,nose,led,led,led",
      "coords,x,y,likelihood,x,y,likelihood,x,y,likelihood",
      "0,10,20,0.9,0.0,0.0,0.0,5,6,1",
    ].join("\n");
    const p = await readDlc(enc(csv), { name: "ma.csv" });
    expect(p.software.scorer).toBe("S");
    expect(p.individuals).toEqual(["m1", "m2", "single"]);
    expect(p.keypoints).toEqual(["nose", "led"]);
    expect(Array.from(p.coords.slice(0, 2))).toEqual([10, 20]);
    expect(p.coords[4]).toBeNaN(); // m2 nose stored as 0.0: missing
    expect(p.coords[2]).toBeNaN(); // m1 has no led column: missing
    expect(p.stats.zeroAsMissing).toBe(1);
    const raw = await readDlc(enc(csv), { name: "ma.csv", zeroIsMissing: false });
    expect(raw.coords[4]).toBe(0);
  });
});

fixtureSuite("truncated HDF5 pose files", ["sleap", "deepof", "testDLC_sleap.slp"], () => {
  it("a truncated .slp or DLC .h5 is one error with the file, the dataset and a hint", async () => {
    const slp = readFileSync(fixturePath("sleap", "deepof", "testDLC_sleap.slp"));
    const h5 = readFileSync(fixturePath("dlc", "deepof_single", "testDLC_h5_table.h5"));
    for (const [bytes, read, name] of [
      [slp, readSleap, "cut.slp"],
      [h5, readDlc, "cut.h5"],
    ] as const) {
      for (const cut of [16, 600, Math.floor(bytes.length * 0.6), bytes.length - 100]) {
        const e = await failure(read(bytes.subarray(0, cut), { name }));
        expect(e.path).toBe(name);
        expect(e.hint, `${name} cut at ${cut}`).toMatch(/truncated|damaged|re-/);
        // HDF5 notices most cuts when opening (its superblock states the file size): the message says "truncated"
        if (cut > 600)
          expect(`${e.place ?? ""} ${e.message}`, `${name} cut at ${cut}`).toMatch(/\/|truncated/);
      }
    }
  });

  it("a SLEAP file given to readDlc and a DLC file given to readSleap say so", async () => {
    const e = await failure(readDlc(fixturePath("sleap", "deepof", "testDLC_sleap.slp")));
    expect(e.code).toBe("E_POSE_LAYOUT");
    expect(e.hint).toMatch(/SLEAP/);
    const e2 = await failure(readSleap(fixturePath("dlc", "deepof_single", "testDLC_h5_table.h5")));
    expect(e2.hint).toMatch(/readDlc/);
    const e3 = await failure(readSleap(fixturePath("dlc", "w2t_pose_sample.csv")));
    expect(e3.code).toBe("E_POSE_FORMAT");
  });
});

describe("OpenPose: bad input", () => {
  it("empty folder, invalid JSON, wrong part count", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openpose-"));
    expect((await failure(readOpenPose(dir))).code).toBe("E_POSE_EMPTY");
    writeFileSync(
      join(dir, "clip_000000000000_keypoints.json"),
      '{"version":1.3,"people":[{"pose_keypoints_2d":[1,2,0.5',
    );
    const bad = await failure(readOpenPose(dir));
    expect(bad.path).toMatch(/clip_000000000000_keypoints\.json$/);
    writeFileSync(
      join(dir, "clip_000000000000_keypoints.json"),
      JSON.stringify({ version: 1.3, people: [{ pose_keypoints_2d: Array(30).fill(1) }] }),
    );
    expect((await failure(readOpenPose(dir))).code).toBe("E_POSE_LAYOUT");
  });

  it("reads COCO (18 parts) with (0, 0, 0) as missing, ordered by frame number", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openpose-"));
    mkdirSync(dir, { recursive: true });
    const person = (v: number) => ({
      pose_keypoints_2d: Array.from({ length: 54 }, (_, i) => (i < 3 ? 0 : v)),
    });
    writeFileSync(
      join(dir, "c_000000000010_keypoints.json"),
      JSON.stringify({ version: 1.7, people: [person(2)] }),
    );
    writeFileSync(
      join(dir, "c_000000000009_keypoints.json"),
      JSON.stringify({ version: 1.7, people: [person(1), person(3)] }),
    );
    const p = await readOpenPose(dir);
    expect(p.keypoints[1]).toBe("Neck");
    expect(p.nKeypoints).toBe(18);
    expect(Array.from(p.frameIndex)).toEqual([9, 10]);
    expect(p.individuals).toEqual(["person_0", "person_1"]);
    expect(p.coords[0]).toBeNaN();
    expect(p.coords[2]).toBe(1);
    expect(p.software).toEqual({ name: "OpenPose", version: "1.7" });
  });
});

// ---- fuzzing: mutate real bytes; the readers may succeed or fail, but only with a NeuroPoseError ----

async function neverCrashes(read: (b: Uint8Array) => Promise<unknown>, base: Uint8Array, runs: number) {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.record({ kind: fc.constant("cut" as const), at: fc.nat({ max: base.length }) }),
        fc.record({
          kind: fc.constant("flip" as const),
          edits: fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 8,
          }),
        }),
        fc.record({
          kind: fc.constant("insert" as const),
          at: fc.nat({ max: base.length }),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
        }),
      ),
      async (m) => {
        let b: Uint8Array;
        if (m.kind === "cut") b = base.subarray(0, m.at);
        else if (m.kind === "flip") {
          b = base.slice();
          for (const [i, v] of m.edits) b[i] = v;
        } else b = new Uint8Array([...base.subarray(0, m.at), ...m.bytes, ...base.subarray(m.at)]);
        try {
          await read(b);
        } catch (e) {
          if (!isNeuroPoseError(e)) throw e;
        }
      },
    ),
    { numRuns: runs, seed: 12 },
  );
}

describe("fuzz: DLC CSV", () => {
  it("mutated CSV bytes never throw anything but a NeuroPoseError", async () => {
    await neverCrashes((b) => readDlc(b, { name: "fuzz.csv" }), enc(GOOD), 300);
  });
});

fixtureSuite("fuzz: HDF5 pose files", ["sleap", "small_robot.000_small_robot_3_frame.analysis.h5"], () => {
  it("mutated SLEAP analysis / .slp / DLC .h5 bytes never throw anything but a NeuroPoseError", async () => {
    await neverCrashes(
      (b) => readSleap(b, { name: "fuzz.h5" }),
      readFileSync(fixturePath("sleap", "small_robot.000_small_robot_3_frame.analysis.h5")),
      40,
    );
    await neverCrashes(
      (b) => readSleap(b, { name: "fuzz.slp" }),
      readFileSync(fixturePath("sleap", "deepof", "testDLC_sleap.slp")),
      40,
    );
    await neverCrashes(
      (b) => readDlc(b, { name: "fuzz.h5" }),
      readFileSync(fixturePath("dlc", "deepof_single", "testDLC_h5_table.h5")),
      40,
    );
  }, 120_000);
});
