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

describe("h5: files written here (vlen strings, 64-bit integers, attributes, 2-D slices)", () => {
  it("reads what h5wasm wrote with the right types", async () => {
    const { default: h5wasm } = await import("h5wasm/node");
    await h5wasm.ready;
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const path = join(mkdtempSync(join(tmpdir(), "h5-test-")), "t.h5");
    const w = new h5wasm.File(path, "w");
    w.create_group("g");
    const g = w.get("g") as InstanceType<typeof h5wasm.Group>;
    g.create_dataset({ name: "names", data: ["nose", "tail_base", "été"], shape: [3] });
    g.create_dataset({ name: "ids", data: new BigInt64Array([1n, 2n, 9007199254740993n]), shape: [3] });
    g.create_dataset({ name: "m", data: Float32Array.from({ length: 12 }, (_, i) => i), shape: [4, 3] });
    g.create_attribute("label", "cam0");
    g.create_attribute("rate", 30.5, null, "<d");
    w.close();
    const f = await openH5(path);
    try {
      expect(f.info("/g/names").dtype).toMatchObject({ class: "string", vlen: true });
      expect(f.strings("/g/names")).toEqual(["nose", "tail_base", "été"]);
      const ids = f.numbers("/g/ids");
      expect(ids.data).toBeInstanceOf(Float64Array);
      expect(Array.from(ids.data.slice(0, 2))).toEqual([1, 2]);
      const m = f.numbers("/g/m", { start: 1, end: 3 });
      expect(m.data).toBeInstanceOf(Float32Array);
      expect(m.shape).toEqual([2, 3]);
      expect(Array.from(m.data)).toEqual([3, 4, 5, 6, 7, 8]);
      expect(f.attrText("/g", "label")).toBe("cam0");
      expect(f.attrNumber("/g", "rate")).toBe(30.5);
      expect(f.attrNames("/g").sort()).toEqual(["label", "rate"]);
      expect(f.attr("/g", "nope")).toBeUndefined();
      expect(() => f.table("/g/m")).toThrow(/not a compound table/);
      expect(() => f.strings("/g/m")).toThrow(/not strings/);
      expect(() => f.keys("/g/m")).toThrow(/no such group/);
      expect(f.kind("/g")).toBe("group");
      expect(f.kind("/g/m")).toBe("dataset");
    } finally {
      f.close();
      f.close();
    }
    expect(() => f.has("/g")).toThrow(/already closed/);
  });
});
