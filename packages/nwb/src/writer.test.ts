// writeNwb round trips, spec checks and crash/abort behaviour. Over 500 lines: one section per NWB type, each
// written, read back with h5wasm and checked against the spec.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import h5wasm, { type Reference } from "h5wasm/node";
import { describe, expect, it } from "vitest";
import { behaviorSpec, h5dumpHeader, h5dumpPath, listDir, minimalSpec, tempDir } from "../test/_util.js";
import {
  type ChunkSource,
  type NwbFileSpec,
  NwbInputError,
  type NwbPoseEstimation,
  type NwbReadImageSeries,
  type NwbReadPoseEstimation,
  type NwbReadTimeSeries,
  type NwbTimeSeries,
  NwbWriteError,
  readNwb,
  validateNwb,
  writeNwb,
} from "./index.js";

// ---------------------------------------------------------------- arbitraries
const nameArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_ .-]{0,11}$/);
// any Unicode text without NUL (HDF5 strings are NUL-terminated), not blank
const textArb = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 24 })
  .filter((s) => !s.includes("\u0000") && s.trim() !== "");
const sortedTimes = (n: number) =>
  fc
    .array(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), {
      minLength: n,
      maxLength: n,
    })
    .map((a) => Float64Array.from(a.sort((x, y) => x - y)));
const timingArb = (n: number) =>
  fc.oneof(
    sortedTimes(n).map((timestamps) => ({ timestamps })),
    fc.record({
      rate: fc.double({ min: 0.001, max: 1e5, noNaN: true }),
      startingTime: fc.double({ min: -1e3, max: 1e6, noNaN: true }),
    }),
  );

const timeSeriesArb = fc
  .record({
    n: fc.integer({ min: 0, max: 40 }),
    width: fc.integer({ min: 1, max: 4 }),
    dtype: fc.constantFrom("float32", "float64"),
  })
  .chain(({ n, width, dtype }) =>
    fc.record({
      kind: fc.constant("TimeSeries" as const),
      name: nameArb,
      description: textArb,
      unit: textArb,
      width: fc.constant(width),
      dtype: fc.constant(dtype as "float32" | "float64"),
      data:
        dtype === "float32"
          ? fc.float32Array({ minLength: n * width, maxLength: n * width })
          : fc.float64Array({ minLength: n * width, maxLength: n * width }),
      timing: timingArb(n),
      conversion: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
    }),
  );

const poseArb = fc
  .record({
    n: fc.integer({ min: 0, max: 30 }),
    names: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 4 }),
    dims: fc.constantFrom(2 as const, 3 as const),
  })
  .chain(({ n, names, dims }) =>
    fc.record({
      kind: fc.constant("PoseEstimation" as const),
      name: fc.constant("pose"),
      description: textArb,
      scorer: textArb,
      sourceSoftware: textArb,
      sourceSoftwareVersion: textArb,
      skeleton: fc.constant("skel"),
      devices: fc.constant(["cam"]),
      originalVideos: fc.array(textArb, { minLength: 1, maxLength: 2 }),
      timing: timingArb(n),
      series: fc.tuple(
        ...names.map((name) =>
          fc.record({
            name: fc.constant(name),
            description: textArb,
            data: fc.float32Array({ minLength: n * dims, maxLength: n * dims }),
            dims: fc.constant(dims),
            unit: textArb,
            referenceFrame: textArb,
            confidence: fc.float32Array({ minLength: n, maxLength: n }),
            confidenceDefinition: textArb,
          }),
        ),
      ),
    }),
  );

const intervalsArb = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.record({
    kind: fc.constant("TimeIntervals" as const),
    name: fc.constant("trials"),
    description: textArb,
    startTime: fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: n, maxLength: n }),
    stopTime: fc.constant([] as number[]),
    columns: fc.tuple(
      fc.record({
        name: fc.constant("outcome"),
        description: textArb,
        data: fc.array(textArb, { minLength: n, maxLength: n }),
      }),
      fc.record({
        name: fc.constant("reward_ml"),
        description: textArb,
        data: fc.array(fc.double({ noNaN: false }), { minLength: n, maxLength: n }),
      }),
    ),
  }),
);

const specArb = fc
  .record({
    identifier: textArb,
    sessionDescription: textArb,
    experimenter: fc.array(textArb, { minLength: 1, maxLength: 3 }),
    keywords: fc.array(textArb, { minLength: 1, maxLength: 3 }),
    lab: textArb,
    institution: textArb,
    subjectId: textArb,
    ts: timeSeriesArb,
    pose: poseArb,
    trials: intervalsArb,
    nodesExtra: fc.uniqueArray(nameArb, { maxLength: 3 }),
    provenance: fc.dictionary(nameArb, fc.oneof(fc.string(), fc.integer(), fc.boolean())),
    video: fc.record({
      description: textArb,
      externalFile: fc.array(
        textArb.map((t) => `clips/${t}.mp4`),
        { minLength: 1, maxLength: 2 },
      ),
      timing: timingArb(7),
    }),
    events: fc.array(timeSeriesArb, { minLength: 1, maxLength: 2 }),
    modTs: timeSeriesArb,
    experimentDescription: textArb,
    sessionId: textArb,
    notes: textArb,
    subjectExtra: fc.record({ description: textArb, genotype: textArb, strain: textArb, weight: textArb }),
    epochs: intervalsArb,
  })
  .map((r): NwbFileSpec => {
    const pose = r.pose as unknown as NwbPoseEstimation;
    const trials = {
      ...r.trials,
      stopTime: r.trials.startTime.map((t) => t + 1),
      columns: [...r.trials.columns],
    };
    const nodes = [...new Set([...pose.series.map((s) => s.name), ...r.nodesExtra])];
    return {
      identifier: r.identifier,
      sessionDescription: r.sessionDescription,
      sessionStartTime: "2023-01-02T03:04:05.678+05:30",
      fileCreateDate: ["2024-01-01T00:00:00+00:00"],
      experimenter: r.experimenter,
      keywords: r.keywords,
      lab: r.lab,
      institution: r.institution,
      experimentDescription: r.experimentDescription,
      sessionId: r.sessionId,
      notes: r.notes,
      subject: {
        subjectId: r.subjectId,
        species: "Mus musculus",
        age: "P90D",
        sex: "F",
        dateOfBirth: "2023-10-01T00:00:00+00:00",
        ...r.subjectExtra,
      },
      devices: [{ name: "cam", description: "camera", manufacturer: "Acme" }],
      acquisition: [
        r.ts as NwbTimeSeries,
        {
          kind: "ImageSeries" as const,
          name: "video",
          description: r.video.description,
          externalFile: r.video.externalFile,
          startingFrame: r.video.externalFile.map((_, k) => k * 100),
          timing: r.video.timing,
          device: "cam",
        },
      ].filter((a, k, all) => all.findIndex((b) => b.name === a.name) === k),
      processing: [
        {
          name: "behavior",
          description: "behaviour",
          dataInterfaces: [
            {
              kind: "Skeletons",
              skeletons: [{ name: "skel", nodes, edges: nodes.length > 1 ? [[0, nodes.length - 1]] : [] }],
            },
            { ...pose, series: [...pose.series], ...(r.ts.name !== "video" ? { sourceVideo: "video" } : {}) },
            { ...(r.modTs as NwbTimeSeries), name: "module_series" },
            {
              kind: "BehavioralEvents",
              name: "events",
              timeSeries: (r.events as NwbTimeSeries[]).filter(
                (t, k, all) => all.findIndex((u) => u.name === t.name) === k,
              ),
            },
          ],
        },
      ],
      trials,
      intervals: [
        {
          ...r.epochs,
          name: "epochs",
          stopTime: r.epochs.startTime.map((t) => t + 2),
          columns: [...r.epochs.columns],
        },
      ],
      provenance: r.provenance,
    };
  });

// ---------------------------------------------------------------- comparisons
function expectTiming(read: unknown, written: NwbTimeSeries["timing"]): void {
  if ("timestamps" in written)
    expect(read).toEqual({ timestamps: Float64Array.from(written.timestamps as Float64Array) });
  else expect(read).toEqual({ rate: written.rate, startingTime: written.startingTime ?? 0 });
}

/** Each field of `same` is the written value (`toBe`), each of `equal` deeply equal to it (`toEqual`). */
function expectFields(
  read: object | undefined,
  written: object | undefined,
  same: string[],
  equal: string[] = [],
) {
  const r = read as Record<string, unknown> | undefined;
  const w = written as Record<string, unknown> | undefined;
  for (const k of same) expect(r?.[k], k).toBe(w?.[k]);
  for (const k of equal) expect(r?.[k], k).toEqual(w?.[k]);
}

function expectSameFile(spec: NwbFileSpec, path: string, read: Awaited<ReturnType<typeof readNwb>>): void {
  expectFields(
    read,
    spec,
    ["identifier", "sessionDescription", "sessionStartTime", "lab", "institution"],
    ["fileCreateDate", "experimenter", "keywords", "subject"],
  );
  expectFields(read, spec, ["experimentDescription", "sessionId", "notes"]);
  const mts = spec.processing?.[0]?.dataInterfaces.find((d) => d.kind === "TimeSeries") as NwbTimeSeries;
  const rmts = read.processing[0]?.dataInterfaces.find((d) => d.kind === "TimeSeries") as NwbReadTimeSeries;
  expect(rmts.name).toBe("module_series");
  expectFields(rmts, mts, ["unit"], ["data"]);
  expectTiming(rmts.timing, mts.timing);
  expect(read.devices).toEqual(spec.devices);
  expect(read.provenance).toEqual(spec.provenance);
  const ts = spec.acquisition?.find((a) => a.kind === "TimeSeries") as NwbTimeSeries;
  const rts = read.acquisition.find((a) => a.kind === "TimeSeries") as NwbReadTimeSeries;
  expect(rts.kind).toBe("TimeSeries");
  expectFields(rts, ts, ["name", "description", "unit", "conversion", "dtype"], ["data"]);
  expect(rts.width ?? 1).toBe(ts.width);
  expectTiming(rts.timing, ts.timing);
  const mod = spec.processing?.[0];
  const rmod = read.processing[0];
  expectFields(rmod, mod, ["name", "description"]);
  const sk = mod?.dataInterfaces[0];
  const rsk = rmod?.dataInterfaces.find((d) => d.kind === "Skeletons");
  expect(rsk && "skeletons" in rsk ? rsk.skeletons : undefined).toEqual(
    sk && "skeletons" in sk ? sk.skeletons : undefined,
  );
  const pose = mod?.dataInterfaces[1] as NwbPoseEstimation;
  const rpose = read.poseEstimations[0] as NwbReadPoseEstimation;
  expect(rpose.path).toBe(`/processing/behavior/${pose.name}`);
  for (const k of [
    "description",
    "scorer",
    "sourceSoftware",
    "sourceSoftwareVersion",
    "skeleton",
    "devices",
    "originalVideos",
  ] as const)
    expect(rpose[k]).toEqual(pose[k]);
  expect(rpose.resolvedSkeleton).toEqual((sk as { skeletons: unknown[] }).skeletons[0]);
  expect(rpose.series.map((s) => s.name).sort()).toEqual(pose.series.map((s) => s.name).sort());
  for (const s of pose.series) {
    const rs = rpose.series.find((x) => x.name === s.name);
    expectFields(
      rs,
      s,
      ["dims", "unit", "referenceFrame", "description", "confidenceDefinition"],
      ["data", "confidence"],
    );
    expectTiming(rs?.timing, pose.timing);
  }
  const video = spec.acquisition?.find((a) => a.kind === "ImageSeries");
  const rvideo = read.acquisition.find((a) => a.kind === "ImageSeries") as NwbReadImageSeries | undefined;
  expect(rvideo?.name).toBe(video?.name);
  if (video?.kind === "ImageSeries") {
    expectFields(rvideo, video, ["description"], ["externalFile", "startingFrame"]);
    expect(rvideo?.device).toBe("cam");
    expectTiming(rvideo?.timing, video.timing);
  }
  expect(rpose.sourceVideo).toBe(pose.sourceVideo);
  const ev = mod?.dataInterfaces.find((d) => d.kind === "BehavioralEvents");
  const rev = rmod?.dataInterfaces.find((d) => d.kind === "BehavioralEvents");
  expect(rev?.name).toBe("events");
  const evs = ev && "timeSeries" in ev ? ev.timeSeries : [];
  const revs = rev && "timeSeries" in rev ? rev.timeSeries : [];
  expect(revs.map((x) => x.name).sort()).toEqual(evs.map((x) => x.name).sort());
  for (const e of evs) {
    const re = revs.find((x) => x.name === e.name);
    expectFields(re, e, ["unit", "description"], ["data"]);
    expectTiming(re?.timing, e.timing);
  }
  const ep = spec.intervals?.[0];
  const rep = read.intervals[0];
  expect(rep?.name).toBe("epochs");
  expect(rep?.description).toBe(ep?.description);
  expect(rep?.stopTime).toEqual(Float64Array.from(ep?.stopTime ?? []));
  expect(rep?.columns[0]?.data).toEqual(ep?.columns?.[0]?.data);
  const t = spec.trials;
  expect(read.trials?.description).toBe(t?.description);
  expect(read.trials?.startTime).toEqual(Float64Array.from(t?.startTime ?? []));
  expect(read.trials?.stopTime).toEqual(Float64Array.from(t?.stopTime ?? []));
  expect(read.trials?.ids).toEqual(t?.startTime.map((_, i) => i));
  expect(read.trials?.columns.map((c) => [c.name, c.description])).toEqual(
    t?.columns?.map((c) => [c.name, c.description]),
  );
  expect(read.trials?.columns[0]?.data).toEqual(t?.columns?.[0]?.data);
  expect(read.trials?.columns[1]?.data).toEqual(Float64Array.from(t?.columns?.[1]?.data as number[]));
  expect(path).toBeTruthy();
}

// ---------------------------------------------------------------- tests
describe("writeNwb → readNwb round trip", () => {
  it("gives back identical values for every supported type (property)", async () => {
    const dir = tempDir();
    let i = 0;
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const path = join(dir, `rt${i++}.nwb`);
        await writeNwb(path, spec);
        const read = await readNwb(path);
        expectSameFile(spec, path, read);
        const v = await validateNwb(path);
        expect(v.errors).toEqual([]);
        expect(v.warnings).toEqual([]);
      }),
      { numRuns: 12 },
    );
  });

  it("writes data chunked and gzip-compressed, float attributes as floats, UTF-8 strings", async () => {
    const dir = tempDir();
    const path = join(dir, "c.nwb");
    await writeNwb(
      path,
      minimalSpec({
        sessionDescription: "Ünïcødé séance — 歩行 🚶",
        acquisition: [
          {
            kind: "TimeSeries",
            name: "x",
            description: "d",
            unit: "m",
            data: Float64Array.from({ length: 5000 }, (_, k) => k),
            timing: { rate: 30 },
          },
        ],
      }),
      { chunkRows: 1000 },
    );
    await h5wasm.ready;
    const f = new h5wasm.File(path, "r");
    try {
      const ds = f.get("/acquisition/x/data") as InstanceType<typeof h5wasm.Dataset>;
      expect(ds.metadata.chunks).toEqual([1000]);
      expect(ds.filters.map((x) => x.id)).toContain(1); // H5Z_FILTER_DEFLATE
      for (const a of ["conversion", "offset", "resolution"]) expect(ds.attrs[a]?.metadata.type).toBe(1); // float
      const rate = (f.get("/acquisition/x/starting_time") as InstanceType<typeof h5wasm.Dataset>).attrs.rate;
      expect(rate?.metadata.type).toBe(1);
      expect(rate?.value).toBe(30);
      const sd = f.get("/session_description") as InstanceType<typeof h5wasm.Dataset>;
      expect(sd.metadata.cset).toBe(1); // UTF-8
      expect(sd.value).toBe("Ünïcødé séance — 歩行 🚶");
    } finally {
      f.close();
    }
  });

  it("caches the format specifications like pynwb (/specifications + .specloc), unless told not to", async () => {
    const dir = tempDir();
    const withPose = join(dir, "spec.nwb");
    await writeNwb(
      withPose,
      behaviorSpec([{ kind: "Skeletons", skeletons: [{ name: "sk", nodes: ["a", "b"], edges: [[0, 1]] }] }]),
    );
    const bare = join(dir, "bare.nwb");
    await writeNwb(bare, minimalSpec(), { cacheSpecifications: false });
    const plain = join(dir, "plain.nwb");
    await writeNwb(plain, minimalSpec());
    await h5wasm.ready;
    const f = new h5wasm.File(withPose, "r");
    try {
      const specs = f.get("specifications") as InstanceType<typeof h5wasm.Group>;
      expect(specs.keys().sort()).toEqual(["core", "hdmf-common", "hdmf-experimental", "ndx-pose"]);
      const ns = JSON.parse(
        (f.get("specifications/ndx-pose/0.2.0/namespace") as InstanceType<typeof h5wasm.Dataset>)
          .value as string,
      );
      expect(ns.namespaces[0].name).toBe("ndx-pose");
      const ref = f.attrs[".specloc"]?.value as unknown as Reference[];
      expect(ref).toHaveLength(1); // a scalar reference (h5wasm lists it; h5py reads a Reference)
      const target = f.dereference(ref[0] as Reference) as unknown as { path: string };
      expect(target.path).toBe("/specifications");
    } finally {
      f.close();
    }
    for (const [p, keys] of [
      [bare, undefined],
      [plain, ["core", "hdmf-common", "hdmf-experimental"]],
    ] as const) {
      const g = new h5wasm.File(p, "r");
      try {
        expect((g.get("specifications") as InstanceType<typeof h5wasm.Group> | null)?.keys().sort()).toEqual(
          keys,
        );
      } finally {
        g.close();
      }
    }
    expect((await validateNwb(withPose)).ok).toBe(true);
  });

  it("streams ChunkSource data and soft-links shared timestamps", async () => {
    const dir = tempDir();
    const path = join(dir, "s.nwb");
    const n = 2500;
    const reads: [number, number][] = [];
    const src = (k: number): ChunkSource => ({
      length: n,
      width: 3,
      read: (a, b) => {
        reads.push([a, b]);
        return Float32Array.from({ length: (b - a) * 3 }, (_, j) => k * 1e4 + a * 3 + j);
      },
    });
    const ts: ChunkSource = {
      length: n,
      width: 1,
      read: (a, b) => Float64Array.from({ length: b - a }, (_, j) => (a + j) / 30 + ((a + j) % 2) * 0.001),
    };
    const progress: number[] = [];
    await writeNwb(
      path,
      behaviorSpec([
        {
          kind: "PoseEstimation",
          name: "pose",
          description: "p",
          timing: { timestamps: ts },
          series: [0, 1, 2].map((k) => ({
            name: `kp${k}`,
            data: src(k),
            dims: 3 as const,
            unit: "meters",
            referenceFrame: "world",
          })),
        },
      ]),
      { chunkRows: 1000, onProgress: (p) => progress.push(p.done / p.total) },
    );
    expect(reads.every(([a, b]) => b - a <= 1000)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    const r = await readNwb(path);
    const pe = r.poseEstimations[0] as NwbReadPoseEstimation;
    expect(pe.series[0]?.timestampsLink).toBeUndefined();
    expect(pe.series[1]?.timestampsLink).toBe("/processing/behavior/pose/kp0/timestamps");
    expect(pe.series[2]?.timing).toEqual(pe.series[0]?.timing);
    expect(pe.series[1]?.data[5]).toBe(1e4 + 5);
    expect(pe.series[0]?.confidence?.every((c) => Number.isNaN(c))).toBe(true);
  });

  it.runIf(h5dumpPath())("h5dump -H lists the expected structure", async () => {
    const dir = tempDir();
    const path = join(dir, "h.nwb");
    await writeNwb(
      path,
      minimalSpec({
        subject: { subjectId: "S1", species: "Homo sapiens" },
        devices: [{ name: "cam" }],
        acquisition: [
          {
            kind: "ImageSeries",
            name: "video",
            description: "v",
            externalFile: ["v.mp4"],
            timing: { rate: 30 },
            device: "cam",
          },
        ],
        processing: [
          {
            name: "behavior",
            description: "b",
            dataInterfaces: [
              { kind: "Skeletons", skeletons: [{ name: "sk", nodes: ["a"], edges: [] }] },
              {
                kind: "PoseEstimation",
                name: "pose",
                description: "p",
                skeleton: "sk",
                devices: ["cam"],
                timing: { timestamps: [0, 0.5, 2] },
                series: [
                  {
                    name: "a",
                    data: [1, 2, 3, 4, 5, 6],
                    dims: 2,
                    unit: "pixels",
                    referenceFrame: "top-left",
                  },
                ],
              },
            ],
          },
        ],
        trials: { kind: "TimeIntervals", name: "trials", description: "t", startTime: [0], stopTime: [1] },
      }),
    );
    const h = h5dumpHeader(path);
    for (const needle of [
      'GROUP "/general/subject"',
      'GROUP "/general/devices/cam"',
      'DATASET "external_file"',
      'GROUP "/processing/behavior/Skeletons/sk"',
      'DATASET "edges"',
      'GROUP "/processing/behavior/pose/a"',
      'DATASET "confidence"',
      'SOFTLINK "cam"',
      'LINKTARGET "/general/devices/cam"',
      'SOFTLINK "sk"',
      'GROUP "/intervals/trials"',
      'DATASET "file_create_date"',
      'GROUP "/stimulus/templates"',
    ]) {
      expect(h, needle).toContain(needle.replace(/GROUP "\/[^"]*\/([^"/]+)"/, 'GROUP "$1"'));
    }
    expect(h).toMatch(
      /DATASET "data" \{\s*DATATYPE\s+H5T_IEEE_F32LE\s*DATASPACE\s+SIMPLE \{ \( 3, 2 \) \/ \( H5S_UNLIMITED, 2 \) \}/,
    );
  });
});

if (!h5dumpPath())
  console.warn("skipped h5dump -H structure test: h5dump is not installed (apt-get install hdf5-tools)");

describe("honest limits", () => {
  const poseSpec = (over: Partial<NwbPoseEstimation> = {}): NwbFileSpec =>
    behaviorSpec([
      {
        kind: "PoseEstimation",
        name: "pose",
        description: "p",
        timing: { rate: 30 },
        series: [{ name: "nose", data: [1, 2, 3, 4], dims: 2, unit: "pixels", referenceFrame: "top-left" }],
        ...over,
      },
    ]);

  const cases: [string, NwbFileSpec, RegExp][] = [
    [
      "session start without timezone",
      minimalSpec({ sessionStartTime: "2024-05-01T10:00:00" }),
      /\/session_start_time: "2024-05-01T10:00:00" is not an ISO-8601 date-time with a timezone/,
    ],
    [
      "data not a whole number of rows",
      poseSpec({ series: [{ name: "nose", data: [1, 2, 3], dims: 2, unit: "pixels", referenceFrame: "r" }] }),
      /\/processing\/behavior\/pose\/nose: data: 3 values is not a whole number of rows of 2/,
    ],
    [
      "timestamps length mismatch",
      poseSpec({ timing: { timestamps: [0, 1, 2] } }),
      /\/processing\/behavior\/pose: timestamps: 3 timestamps for 2 samples/,
    ],
    [
      "decreasing timestamps",
      poseSpec({ timing: { timestamps: [1, 0] } }),
      /\/processing\/behavior\/pose: timestamps\[1\]: 0 is before the previous timestamp 1/,
    ],
    [
      "rate zero",
      poseSpec({ timing: { rate: 0 } }),
      /\/processing\/behavior\/pose: rate: 0 must be a positive number/,
    ],
    [
      "unknown skeleton",
      poseSpec({ skeleton: "nope" }),
      /\/processing\/behavior\/pose: skeleton: no skeleton "nope"/,
    ],
    [
      "too many nodes for uint8 edges",
      behaviorSpec([
        {
          kind: "Skeletons",
          skeletons: [{ name: "big", nodes: Array.from({ length: 300 }, (_, k) => `n${k}`), edges: [] }],
        },
      ]),
      /\/processing\/behavior\/Skeletons\/big: nodes: 300 nodes; ndx-pose stores edges as uint8/,
    ],
    [
      "slash in a name",
      poseSpec({ series: [{ name: "a/b", data: [1, 2], dims: 2, unit: "pixels", referenceFrame: "r" }] }),
      /name: "a\/b" contains "\/"/,
    ],
    [
      "absolute external file",
      minimalSpec({
        acquisition: [
          {
            kind: "ImageSeries",
            name: "v",
            description: "d",
            externalFile: ["/data/v.mp4"],
            timing: { rate: 30 },
          },
        ],
      }),
      /\/acquisition\/v: external_file\[0\]: "\/data\/v.mp4" is absolute/,
    ],
    [
      "boolean trial column",
      minimalSpec({
        trials: {
          kind: "TimeIntervals",
          name: "trials",
          description: "t",
          startTime: [0],
          stopTime: [1],
          columns: [{ name: "ok", description: "d", data: [true] as unknown as number[] }],
        },
      }),
      /\/intervals\/trials\/ok: data: values must be all numbers or all strings \(got boolean\)/,
    ],
    ["NUL in a string", minimalSpec({ lab: "a\u0000b" }), /spec\.lab: contains a NUL character/],
    [
      "confidence without definition",
      poseSpec({
        series: [
          { name: "nose", data: [1, 2], dims: 2, unit: "pixels", referenceFrame: "r", confidence: [0.5] },
        ],
      }),
      /\/processing\/behavior\/pose\/nose: confidence.definition/,
    ],
  ];

  for (const [what, spec, message] of cases) {
    it(`rejects ${what} before writing anything`, async () => {
      const dir = tempDir();
      const path = join(dir, "x.nwb");
      const err = await writeNwb(path, spec).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NwbInputError);
      expect((err as NwbInputError).code).toBe("E_NWB_INPUT");
      expect((err as NwbInputError).kind).toBe("user");
      expect((err as NwbInputError).issues.join("\n")).toMatch(message);
      expect(listDir(dir)).toEqual([]);
    });
  }

  it("a write that fails midway leaves no partial file and keeps the old target", async () => {
    const dir = tempDir();
    const path = join(dir, "keep.nwb");
    writeFileSync(path, "old contents");
    const failing: ChunkSource = {
      length: 5000,
      width: 2,
      read: (a, b) => {
        if (a >= 2000) throw new Error("disk on fire");
        return new Float32Array((b - a) * 2);
      },
    };
    const err = await writeNwb(
      path,
      poseSpec({ series: [{ name: "nose", data: failing, dims: 2, unit: "pixels", referenceFrame: "r" }] }),
      { chunkRows: 1000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NwbWriteError);
    expect((err as Error).message).toMatch(/disk on fire/);
    expect(readFileSync(path, "utf8")).toBe("old contents");
    expect(listDir(dir)).toEqual(["keep.nwb"]);
  });

  it("an abort signal stops the write between chunks and leaves no file", async () => {
    const dir = tempDir();
    const ac = new AbortController();
    const src: ChunkSource = {
      length: 5000,
      width: 2,
      read: (a, b) => {
        if (a >= 2000) ac.abort();
        return new Float32Array((b - a) * 2);
      },
    };
    const err = await writeNwb(
      join(dir, "a.nwb"),
      poseSpec({ series: [{ name: "nose", data: src, dims: 2, unit: "pixels", referenceFrame: "r" }] }),
      { chunkRows: 1000, signal: ac.signal },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NwbWriteError);
    expect((err as NwbWriteError).code).toBe("E_ABORTED");
    expect(listDir(dir)).toEqual([]);
  });

  it("creates missing parent folders and leaves only the target", async () => {
    const dir = tempDir();
    const path = join(dir, "a", "b", "m.nwb");
    await writeNwb(path, minimalSpec());
    expect(existsSync(path)).toBe(true);
    expect(listDir(join(dir, "a", "b"))).toEqual(["m.nwb"]);
    const v = await validateNwb(path);
    expect(v.ok).toBe(true);
  });
});
