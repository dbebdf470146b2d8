// readNwb on files other tools (or broken tools) write: shapes, dtypes, links and compression filters
// (issue 9 items 9-11). The files are built by our writer, then edited with h5py.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { h5pyEdit, h5pyMissing } from "../test/_h5py.js";
import { tempDir } from "../test/_util.js";
import { NwbReadError, readNwb, validateNwb, writeNwb } from "./index.js";

const missing = h5pyMissing();
if (missing) console.log(`skipping h5py-built files: ${missing}`);
const N = 344;
const POSE = "/processing/behavior/pose";
let dir: string;
let base: string;

beforeAll(async () => {
  dir = tempDir();
  base = join(dir, "base.nwb");
  await writeNwb(base, {
    sessionDescription: "reader checks",
    sessionStartTime: "2024-05-01T10:00:00Z",
    processing: [
      {
        name: "behavior",
        description: "pose",
        dataInterfaces: [
          { kind: "Skeletons", skeletons: [{ name: "body", nodes: ["nose", "hip"], edges: [[0, 1]] }] },
          {
            kind: "PoseEstimation",
            name: "pose",
            description: "pose",
            skeleton: "body",
            timing: { timestamps: Float64Array.from({ length: N }, (_, i) => i / 30) },
            series: ["nose", "hip"].map((name, k) => ({
              name,
              data: Float32Array.from({ length: N * 2 }, (_, i) => i + k),
              dims: 2 as const,
              unit: "pixels",
              referenceFrame: "image",
              confidence: new Float32Array(N).fill(0.5),
              confidenceDefinition: "test",
            })),
          },
        ],
      },
    ],
  });
});

let n = 0;
function edited(code: string): string {
  const p = join(dir, `case${n++}.nwb`);
  copyFileSync(base, p);
  h5pyEdit(p, code);
  return p;
}

async function readError(p: string): Promise<NwbReadError> {
  const e = await readNwb(p).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(NwbReadError);
  return e as NwbReadError;
}

describe.skipIf(missing !== undefined)("readNwb checks shapes, dtypes and links (item 9)", () => {
  it("pose data of shape (344, 4) is an error naming the dataset and the shape", async () => {
    const p = edited(
      `del f["${POSE}/nose/data"]\nf.create_dataset("${POSE}/nose/data", data=np.zeros((${N}, 4), "f4"))`,
    );
    expect((await readError(p)).message).toBe(
      `${POSE}/nose/data: the shape is [${N},4]; pose data must be (frames, 2) or (frames, 3)`,
    );
  });
  it("1-D text data is an error, not NaN rows", async () => {
    const p = edited(
      `del f["${POSE}/nose/data"]\nf.create_dataset("${POSE}/nose/data", data=np.array(["a"] * ${N}, dtype=h5py.string_dtype()))`,
    );
    expect((await readError(p)).message).toMatch(new RegExp(`^${POSE}/nose/data: the shape is \\[${N}\\]`));
    const q = edited(
      `del f["${POSE}/nose/data"]\nf.create_dataset("${POSE}/nose/data", data=np.array([["a", "b"]] * ${N}, dtype=h5py.string_dtype()))`,
    );
    expect((await readError(q)).message).toBe(
      `${POSE}/nose/data: pose data must be numbers, but the dataset holds text`,
    );
  });
  it("100 rows of data with 344 timestamps is an error", async () => {
    const p = edited(
      `for s in ["nose", "hip"]:\n    del f["${POSE}/" + s + "/data"]; del f["${POSE}/" + s + "/confidence"]\n    f.create_dataset("${POSE}/" + s + "/data", data=np.zeros((100, 2), "f4"))\n    f.create_dataset("${POSE}/" + s + "/confidence", data=np.zeros(100, "f4"))`,
    );
    expect((await readError(p)).message).toMatch(/\/timestamps: 344 timestamps for 100 rows of data/);
  });
  it("numeric skeleton nodes are an error, not 0 nodes", async () => {
    const p = edited(
      `del f["/processing/behavior/Skeletons/body/nodes"]\nf.create_dataset("/processing/behavior/Skeletons/body/nodes", data=np.arange(2))`,
    );
    expect((await readError(p)).message).toBe(
      "/processing/behavior/Skeletons/body/nodes: skeleton nodes must be text (keypoint names), but the dataset holds numbers",
    );
  });
  it("a series without neurodata_type is an error, not silently dropped", async () => {
    const p = edited(`del f["${POSE}/hip"].attrs["neurodata_type"]`);
    expect((await readError(p)).message).toMatch(
      new RegExp(`^${POSE}/hip: a group inside a PoseEstimation without neurodata_type`),
    );
  });
  it("a dangling skeleton link is an error, not 'no skeleton'", async () => {
    const p = edited(`del f["/processing/behavior/Skeletons/body"]`);
    expect((await readError(p)).message).toBe(
      `${POSE}/body: soft link to /processing/behavior/Skeletons/body, which does not exist`,
    );
  });
});

describe.skipIf(missing !== undefined)(
  "readNwb keeps dtypes and reads other tools' filters (items 10, 11)",
  () => {
    const values = "np.array([[0.3187110682438501, -1.25e-7]] * 344, 'f8')";
    it("float64 pose data stays Float64Array, exact", async () => {
      const p = edited(`del f["${POSE}/nose/data"]\nf.create_dataset("${POSE}/nose/data", data=${values})`);
      const r = await readNwb(p);
      const d = r.poseEstimations[0]?.series.find((s) => s.name === "nose")?.data;
      expect(d).toBeInstanceOf(Float64Array);
      expect(d?.[0]).toBe(0.3187110682438501);
      expect(d?.[1]).toBe(-1.25e-7);
    });
    for (const [label, opts] of [
      ["LZF (h5py's own filter)", `compression="lzf"`],
      ["shuffle + gzip + fletcher32", `compression="gzip", shuffle=True, fletcher32=True`],
    ] as const) {
      it(`reads ${label}`, async () => {
        const p = edited(
          `del f["${POSE}/nose/data"]\nf.create_dataset("${POSE}/nose/data", data=${values}, chunks=(50, 2), ${opts})`,
        );
        const r = await readNwb(p);
        const d = r.poseEstimations[0]?.series.find((s) => s.name === "nose")?.data;
        expect(Array.from(d?.slice(0, 2) ?? [])).toEqual([0.3187110682438501, -1.25e-7]);
        expect((await validateNwb(p)).ok).toBe(true);
      });
    }
  },
);
