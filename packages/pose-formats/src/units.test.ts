// Small pure pieces: the pickle reader (PyTables attributes), keypoint mappings and the long table.
import { describe, expect, it } from "vitest";
import { unpickle } from "./_pickle.js";
import { mapKeypoints, readDlc, toLongTable } from "./index.js";

describe("unpickle", () => {
  it("reads protocol 0 as PyTables writes pandas metadata (lists, tuples, dicts, memo)", () => {
    const nonIndexAxes =
      "(lp0\n(I1\n(lp1\n(VDLC\np2\nVsnout\np3\nVx\np4\ntp5\na(g2\ng3\nVy\np6\ntp7\natp8\na.";
    expect(unpickle(nonIndexAxes)).toEqual([
      [
        1,
        [
          ["DLC", "snout", "x"],
          ["DLC", "snout", "y"],
        ],
      ],
    ]);
    const info = unpickle(
      "(dp0\nI1\n(dp1\nVnames\np2\n(lp3\nVscorer\np4\nasVtype\np5\nVMultiIndex\np6\nss.",
    ) as Map<unknown, unknown>;
    expect((info.get(1) as Map<string, unknown>).get("names")).toEqual(["scorer"]);
    expect(unpickle("N.")).toBeNull();
    expect(unpickle("I01\n.")).toBe(true);
    expect(unpickle("F0.5\n.")).toBe(0.5);
    expect(unpickle("S'a\\'b'\np0\n.")).toBe("a'b");
    expect(unpickle("V\\u00e9t\\u00e9\np0\n.")).toBe("été");
  });

  it("reads binary protocols (2-5) and never evaluates globals", () => {
    // pickle.dumps([("a", 1), {"k": 2.5}, None, True], protocol=4)
    const p4 = Uint8Array.from(
      Buffer.from(
        "8004951f000000000000005d94288c0161944b0186947d948c016b94474004000000000000734e88652e",
        "hex",
      ),
    );
    expect(unpickle(p4)).toEqual([["a", 1], new Map([["k", 2.5]]), null, true]);
    // pickle.dumps(numpy.float64) style: GLOBAL + REDUCE becomes an inert record
    expect(unpickle("cbuiltins\nset\n((lp0\nI1\natR.")).toEqual({ global: "builtins.set", args: [[1]] });
    expect(() => unpickle("(lp0\n")).toThrow(/ends/);
    expect(() => unpickle(Uint8Array.of(0xff))).toThrow(/opcode/);
  });
});

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
