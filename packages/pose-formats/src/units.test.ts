// Small pure pieces: keypoint mappings and the long table.
import { describe, expect, it } from "vitest";
import { mapKeypoints, readDlc, toLongTable } from "./index.js";

describe("mapKeypoints", () => {
  const csv =
    "scorer,s,s,s,s,s,s,s,s,s\nbodyparts,Nose,Nose,Nose,LEye,LEye,LEye,Neck,Neck,Neck\ncoords,x,y,likelihood,x,y,likelihood,x,y,likelihood\n0,1,2,0.9,3,4,0.8,5,6,0.7\n";
  it("renames, selects and reorders; edges follow", async () => {
    const p = {
      ...(await readDlc(new TextEncoder().encode(csv), { name: "m.csv" })),
      edges: [
        [0, 1],
        [1, 2],
      ] as [number, number][],
    };
    const m = mapKeypoints(p, { LEye: "left_eye", Nose: "nose" });
    expect(m.keypoints).toEqual(["left_eye", "nose"]);
    expect(Array.from(m.coords)).toEqual([3, 4, 1, 2]);
    expect(Array.from(m.confidence)).toEqual([0.8, 0.9]);
    expect(m.edges).toEqual([[1, 0]]);
    expect(() => mapKeypoints(p, { Tail: "tail" })).toThrow(/no keypoint "Tail"/);
    expect(mapKeypoints(p, [["Tail", "tail"]], { allowMissing: true }).coords[0]).toBeNaN();
    expect(() => mapKeypoints(p, { Nose: "a", LEye: "a" })).toThrow(/used twice/);
    expect(() => mapKeypoints(p, "no-such-mapping")).toThrow(/unknown built-in/);
    const coco = mapKeypoints(p, "openpose-body25-to-coco17", { allowMissing: true });
    expect(coco.keypoints).toHaveLength(17);
    expect(coco.keypoints.slice(0, 2)).toEqual(["nose", "left_eye"]);
    expect(Array.from(coco.coords.slice(0, 4))).toEqual([1, 2, 3, 4]);
  });

  it("long table: one row per frame × individual × keypoint, time from fps or timestamps", async () => {
    const p = await readDlc(new TextEncoder().encode(`${csv}1,,,,3,4,0.8,5,6,0.7\n`), { name: "m.csv" });
    const t = toLongTable(p, { fps: 10 });
    expect(t.length).toBe(6);
    expect(Array.from(t.time)).toEqual([0, 0, 0, 0.1, 0.1, 0.1]);
    expect(t.keypoint.slice(0, 3)).toEqual(["Nose", "LEye", "Neck"]);
    expect(t.x_px[3]).toBeNaN();
    expect(toLongTable(p, { dropMissing: true }).length).toBe(5);
    expect(Array.from(toLongTable(p, { timestamps: [5, 6] }).time.slice(2, 4))).toEqual([5, 6]);
    expect(() => toLongTable(p, { timestamps: [1] })).toThrow(/1 timestamps for 2 frames/);
  });
});

describe("DLC CSV index columns", () => {
  it("labelled-data CSVs (3 index columns of image paths) number their rows 0..n-1 and say so", async () => {
    const csv = [
      "scorer,,,me,me",
      "bodyparts,,,nose,nose",
      "coords,,,x,y",
      "labeled-data,vid1,img001.png,10,20",
      "labeled-data,vid1,img007.png,,",
    ].join("\n");
    const p = await readDlc(new TextEncoder().encode(csv), { name: "CollectedData_me.csv" });
    expect(Array.from(p.frameIndex)).toEqual([0, 1]);
    expect(p.warnings.join()).toMatch(/not frame numbers/);
    expect(Array.from(p.coords.slice(0, 2))).toEqual([10, 20]);
    expect(p.coords[2]).toBeNaN();
    expect(p.confidenceDefinition).toMatch(/No confidence/);
  });
});
