import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { H5Error, isHdf5, openH5 } from "./index.js";

const SLP = ["sleap", "dance.mp4.labels.slp"];
const ANALYSIS = ["sleap", "small_robot.000_small_robot_3_frame.analysis.h5"];

fixtureSuite("h5: real SLEAP files", SLP, () => {
  it("reads compound tables column by column with their real types", async () => {
    const f = await openH5(fixturePath(...SLP));
    try {
      expect(f.keys("/")).toEqual(
        expect.arrayContaining(["frames", "instances", "points", "pred_points", "metadata"]),
      );
      const info = f.info("/pred_points");
      expect(info.shape).toEqual([7650]);
      expect(info.dtype.members?.map((m) => m.name)).toEqual(["x", "y", "visible", "complete", "score"]);
      const t = f.table("/pred_points", { start: 0, end: 2 });
      expect(t.length).toBe(2);
      expect(t.columns.x?.data[0]).toBeCloseTo(193.83285522, 6);
      expect(t.columns.visible?.data[0]).toBe(1);
      expect(t.columns.score?.data[1]).toBeCloseTo(0.5008716, 6);
      const inst = f.table("/instances");
      expect(inst.length).toBe(453);
      expect(f.attrText("/metadata", "format_id") ?? f.attrNumber("/metadata", "format_id")).toBeDefined();
      expect(JSON.parse(f.attrText("/metadata", "json") ?? "{}").version).toBe("2.0.0");
      expect(f.strings("/videos_json")[0]).toContain("dance.mp4");
    } finally {
      f.close();
    }
  });

  it("opens bytes and reports a missing dataset with file and path", async () => {
    const bytes = readFileSync(fixturePath(...SLP));
    const f = await openH5(bytes, { label: "dance.slp" });
    try {
      expect(f.has("/frames")).toBe(true);
      expect(f.has("/nope/deeper")).toBe(false);
      const e = (() => {
        try {
          f.numbers("/nope");
        } catch (err) {
          return err as H5Error;
        }
      })();
      expect(e).toBeInstanceOf(H5Error);
      expect(e?.code).toBe("E_H5_MISSING");
      expect(e?.path).toBe("dance.slp");
      expect(e?.message).toContain("/nope");
    } finally {
      f.close();
    }
  });

  it("a truncated file is one user error (at open or at the first read)", async () => {
    const bytes = readFileSync(fixturePath(...SLP));
    for (const cut of [100, 4096, Math.floor(bytes.length / 2)]) {
      let err: unknown;
      try {
        const f = await openH5(bytes.subarray(0, cut), { label: "cut.slp" });
        try {
          f.table("/pred_points");
          f.table("/instances");
        } finally {
          f.close();
        }
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(H5Error);
      expect((err as H5Error).kind).toBe("user");
      expect((err as H5Error).hint).toMatch(/truncated/);
    }
  });
});

fixtureSuite("h5: SLEAP analysis file", ANALYSIS, () => {
  it("reads numbers with dtype and shape, and fixed strings", async () => {
    const f = await openH5(fixturePath(...ANALYSIS));
    try {
      const t = f.numbers("/tracks");
      expect(t.shape).toEqual([1, 2, 3, 3]);
      expect(t.data.length).toBe(18);
      expect(f.strings("/node_names")).toHaveLength(3);
      const rows = f.numbers("/tracks", { start: 0, end: 1 });
      expect(rows.shape[0]).toBe(1);
    } finally {
      f.close();
    }
  });
});

describe("h5: bad input", () => {
  it("empty, not HDF5 and missing files are user errors", async () => {
    await expect(openH5(new Uint8Array(0))).rejects.toMatchObject({ code: "E_H5_NOT_HDF5", kind: "user" });
    await expect(openH5(new TextEncoder().encode("scorer,a\n"))).rejects.toMatchObject({
      code: "E_H5_NOT_HDF5",
    });
    await expect(openH5("/definitely/not/here.h5")).rejects.toMatchObject({ code: "E_H5_NOT_FOUND" });
    expect(isHdf5(new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
