// Reads NWB 2.x files (ours and others': NWB 2.4–2.9, ndx-pose 0.1.x–0.3.x layouts) into typed objects.
// Over 500 lines: one reader per NWB type plus the result types; the type readers could move to read/ like export/.
import { childPath, type Group, type H5File, h5ErrorSummary, quietly } from "./_h5.js";
import { H5View, isHdf5File, openForRead } from "./_view.js";
import { NwbReadError } from "./errors.js";
import type {
  NwbBehavioralEvents,
  NwbColumn,
  NwbDevice,
  NwbImageSeries,
  NwbPoseEstimation,
  NwbPoseSeries,
  NwbSkeleton,
  NwbSkeletons,
  NwbSubject,
  NwbTimeIntervals,
  NwbTimeSeries,
} from "./types.js";

/** Timing as read: timestamps are always materialised. */
export type NwbReadTiming = { timestamps: Float64Array } | { rate: number; startingTime: number };

export interface NwbReadTimeSeries extends Omit<NwbTimeSeries, "data" | "timing"> {
  path: string;
  data: Float32Array | Float64Array;
  timing: NwbReadTiming;
}

export interface NwbReadImageSeries extends Omit<NwbImageSeries, "timing"> {
  path: string;
  timing: NwbReadTiming | undefined;
}

export interface NwbReadPoseSeries extends Omit<NwbPoseSeries, "data" | "confidence"> {
  path: string;
  /** The values in the file's own precision (float32 as written by NeuroPose; float64 stays float64). */
  data: Float32Array | Float64Array;
  confidence: Float32Array | Float64Array | undefined;
  /** This series' own time base (series of one PoseEstimation usually share one). */
  timing: NwbReadTiming | undefined;
  /** Path of the timestamps dataset when this series soft-links another series' timestamps. */
  timestampsLink?: string;
}

export interface NwbReadPoseEstimation extends Omit<NwbPoseEstimation, "series" | "timing"> {
  path: string;
  /** ndx-pose layout the object is written in: "0.1" keeps nodes/edges inline, "0.2+" links a Skeleton. */
  layout: "0.1" | "0.2+";
  /** The skeleton: from the linked Skeleton (0.2+) or the inline nodes/edges (0.1). */
  resolvedSkeleton: NwbSkeleton | undefined;
  /** `dimensions` (deprecated; width, height per video) when present. */
  dimensions?: [number, number][];
  /** Timing of the first series. */
  timing: NwbReadTiming | undefined;
  series: NwbReadPoseSeries[];
}

export interface NwbReadTimeIntervals
  extends Omit<NwbTimeIntervals, "startTime" | "stopTime" | "ids" | "columns"> {
  path: string;
  startTime: Float64Array;
  stopTime: Float64Array;
  ids: number[];
  columns: NwbColumn[];
}

export interface NwbReadBehavioralEvents extends Omit<NwbBehavioralEvents, "timeSeries"> {
  path: string;
  timeSeries: NwbReadTimeSeries[];
}

export interface NwbReadSkeletons extends NwbSkeletons {
  path: string;
}

export type NwbReadDataInterface =
  | NwbReadTimeSeries
  | NwbReadBehavioralEvents
  | NwbReadSkeletons
  | NwbReadPoseEstimation
  | NwbReadTimeIntervals
  | NwbUnknownObject;

/** A typed object this reader does not interpret. */
export interface NwbUnknownObject {
  kind: "Unknown";
  name: string;
  path: string;
  neurodataType: string;
  namespace: string;
}

export interface NwbReadProcessingModule {
  name: string;
  path: string;
  description: string;
  dataInterfaces: NwbReadDataInterface[];
}

/** Everything `readNwb` returns. */
export interface NwbFileContents {
  path: string;
  nwbVersion: string;
  objectId: string | undefined;
  identifier: string;
  sessionDescription: string;
  sessionStartTime: string;
  timestampsReferenceTime: string | undefined;
  fileCreateDate: string[];
  experimenter: string[];
  experimentDescription?: string;
  sessionId?: string;
  lab?: string;
  institution?: string;
  keywords: string[];
  notes?: string;
  subject: NwbSubject | undefined;
  devices: NwbDevice[];
  acquisition: (NwbReadImageSeries | NwbReadTimeSeries | NwbUnknownObject)[];
  processing: NwbReadProcessingModule[];
  trials: NwbReadTimeIntervals | undefined;
  intervals: NwbReadTimeIntervals[];
  /** JSON provenance written by @neuropose/nwb (`/general/source_script`), when present and parseable. */
  provenance: Record<string, unknown> | undefined;
  /** Every PoseEstimation in the file, wherever it sits. */
  poseEstimations: NwbReadPoseEstimation[];
}

function readTiming(v: H5View, path: string, rows?: number): NwbReadTiming | undefined {
  const tp = `${path}/timestamps`;
  const link = v.softLink(tp);
  if (link && !v.exists(link)) throw v.fail(tp, `soft link to ${link}, which does not exist`);
  const tds = v.dataset(tp);
  if (tds) {
    const shape = tds.shape ?? [];
    if (shape.length !== 1) throw v.fail(tp, `timestamps must be 1-D, the shape is ${JSON.stringify(shape)}`);
    if (rows !== undefined && shape[0] !== rows)
      throw v.fail(tp, `${shape[0]} timestamps for ${rows} rows of data (they must match)`);
  }
  const ts = v.numeric(tp, "timestamps");
  if (ts) return { timestamps: ts instanceof Float64Array ? ts : Float64Array.from(ts) };
  const st = v.dataset(`${path}/starting_time`);
  if (st) {
    const start = v.numbers(`${path}/starting_time`)?.[0] ?? 0;
    return { rate: v.attrNumber(st, "rate") ?? Number.NaN, startingTime: start };
  }
  return undefined;
}

function seriesCommon(v: H5View, g: Group, name: string) {
  const comments = v.attrText(g, "comments");
  return {
    name,
    description: v.attrText(g, "description") ?? "",
    ...(comments !== undefined ? { comments } : {}),
  };
}

function readTimeSeries(v: H5View, path: string, name: string): NwbReadTimeSeries {
  const g = v.group(path) as Group;
  const d = v.dataset(`${path}/data`);
  const shape = d?.shape ?? [];
  const raw = v.numeric(`${path}/data`, "TimeSeries data") ?? new Float64Array(0);
  const width = shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const conv = v.attrNumber(d, "conversion");
  const off = v.attrNumber(d, "offset");
  const res = v.attrNumber(d, "resolution");
  return {
    kind: "TimeSeries",
    ...seriesCommon(v, g, name),
    path,
    data: raw,
    ...(width !== 1 ? { width } : {}),
    dtype: raw instanceof Float32Array ? "float32" : "float64",
    unit: v.attrText(d, "unit") ?? "",
    timing: readTiming(v, path, d && !v.exists(`${path}/external_file`) ? shape[0] : undefined) ?? {
      timestamps: new Float64Array(0),
    },
    ...(conv !== undefined ? { conversion: conv } : {}),
    ...(off !== undefined ? { offset: off } : {}),
    ...(res !== undefined ? { resolution: res } : {}),
  };
}

function readImageSeries(v: H5View, path: string, name: string): NwbReadImageSeries {
  const g = v.group(path) as Group;
  const ef = v.dataset(`${path}/external_file`);
  const sf = v.attr(ef, "starting_frame");
  const device = v.softLink(`${path}/device`);
  return {
    kind: "ImageSeries",
    ...seriesCommon(v, g, name),
    path,
    externalFile: v.textArray(`${path}/external_file`),
    ...(sf !== undefined ? { startingFrame: Array.from(sf as ArrayLike<number | bigint>, Number) } : {}),
    timing: readTiming(v, path),
    ...(device ? { device: device.split("/").pop() as string } : {}),
  };
}

function readSkeleton(v: H5View, path: string, name: string): NwbSkeleton {
  const nd = v.dataset(`${path}/nodes`);
  if (nd && v.typeClass(nd) !== 3)
    throw v.fail(
      `${path}/nodes`,
      "skeleton nodes must be text (keypoint names), but the dataset holds numbers",
    );
  const nodes = v.textArray(`${path}/nodes`);
  const ed = v.dataset(`${path}/edges`);
  const eshape = ed?.shape ?? [];
  if (ed && !(eshape.length === 2 && eshape[1] === 2) && !(eshape.length === 1 && eshape[0] === 0))
    throw v.fail(`${path}/edges`, `edges must have shape (edges, 2), the shape is ${JSON.stringify(eshape)}`);
  const e = v.numeric(`${path}/edges`, "skeleton edges") ?? new Float64Array(0);
  const edges: [number, number][] = [];
  for (let i = 0; i + 1 < e.length; i += 2) edges.push([e[i] as number, e[i + 1] as number]);
  const bad = edges.findIndex(
    ([a, b]) =>
      !(
        Number.isInteger(a) &&
        Number.isInteger(b) &&
        a >= 0 &&
        b >= 0 &&
        a < nodes.length &&
        b < nodes.length
      ),
  );
  if (bad >= 0)
    throw v.fail(
      `${path}/edges`,
      `edge ${bad} (${edges[bad]?.join(", ")}) does not index the ${nodes.length} nodes`,
    );
  const sk: NwbSkeleton = { name, nodes, edges };
  if (v.softLink(`${path}/subject`)) sk.linkSubject = true;
  return sk;
}

function readPose(v: H5View, path: string, name: string): NwbReadPoseEstimation {
  const g = v.group(path) as Group;
  const series: NwbReadPoseSeries[] = [];
  let skeleton: NwbSkeleton | undefined;
  let skeletonName: string | undefined;
  const devices: string[] = [];
  let sourceVideo: string | undefined;
  for (const key of g.keys()) {
    const p = childPath(path, key);
    const link = v.softLink(p);
    if (link) {
      if (!v.exists(link)) throw v.fail(p, `soft link to ${link}, which does not exist`);
      const t = v.typeOf(v.group(link))?.type;
      if (t === "Skeleton") {
        skeletonName = key;
        skeleton = readSkeleton(v, link, link.split("/").pop() as string);
        skeletonName = skeleton.name;
      } else if (t === "Device") devices.push(link.split("/").pop() as string);
      else if (key === "source_video") sourceVideo = link.split("/").pop() as string;
      continue;
    }
    const sg = v.group(p);
    if (!sg) continue;
    const st = v.typeOf(sg)?.type;
    if (st === undefined)
      throw v.fail(
        p,
        "a group inside a PoseEstimation without neurodata_type (expected a PoseEstimationSeries)",
      );
    if (st !== "PoseEstimationSeries") continue;
    const d = v.dataset(`${p}/data`);
    if (!d) throw v.fail(`${p}/data`, "missing (every PoseEstimationSeries has data)");
    const shape = d.shape ?? [];
    if (shape.length !== 2 || (shape[1] !== 2 && shape[1] !== 3))
      throw v.fail(
        `${p}/data`,
        `the shape is ${JSON.stringify(shape)}; pose data must be (frames, 2) or (frames, 3)`,
      );
    const rows = shape[0] as number;
    const dims = shape[1] === 3 ? 3 : 2;
    const data = v.numeric(`${p}/data`, "pose data") ?? new Float32Array(0);
    const cds = v.dataset(`${p}/confidence`);
    if (cds) {
      const cs = cds.shape ?? [];
      if (cs.length !== 1 || cs[0] !== rows)
        throw v.fail(`${p}/confidence`, `the shape is ${JSON.stringify(cs)} for ${rows} frames of data`);
    }
    const confidence = v.numeric(`${p}/confidence`, "confidence");
    const definition = v.attrText(cds, "definition");
    const tlink = v.softLink(`${p}/timestamps`);
    series.push({
      ...seriesCommon(v, sg, key),
      path: p,
      data,
      dims,
      unit: v.attrText(d, "unit") ?? "pixels",
      referenceFrame: v.text(`${p}/reference_frame`) ?? "",
      confidence,
      ...(definition !== undefined ? { confidenceDefinition: definition } : {}),
      timing: readTiming(v, p, rows),
      ...(tlink ? { timestampsLink: tlink } : {}),
    });
  }
  let layout: "0.1" | "0.2+" = "0.2+";
  if (!skeleton && v.dataset(`${path}/nodes`)) {
    layout = "0.1";
    skeleton = readSkeleton(v, path, name);
  }
  const dimsRaw = v.numbers(`${path}/dimensions`);
  const dimensions: [number, number][] | undefined = dimsRaw
    ? Array.from({ length: Math.floor(dimsRaw.length / 2) }, (_, i) => [
        dimsRaw[2 * i] as number,
        dimsRaw[2 * i + 1] as number,
      ])
    : undefined;
  const ssw = v.dataset(`${path}/source_software`);
  const version = v.attrText(ssw, "version");
  const opt = (k: string, val: string | undefined) => (val !== undefined ? { [k]: val } : {});
  const ov = v.textArray(`${path}/original_videos`);
  const lv = v.textArray(`${path}/labeled_videos`);
  return {
    kind: "PoseEstimation",
    name,
    path,
    layout,
    description: v.text(`${path}/description`) ?? "",
    ...opt("scorer", v.text(`${path}/scorer`)),
    ...opt("sourceSoftware", v.text(`${path}/source_software`)),
    ...opt("sourceSoftwareVersion", version),
    ...opt("skeleton", skeletonName),
    resolvedSkeleton: skeleton,
    ...(devices.length ? { devices } : {}),
    ...(ov.length ? { originalVideos: ov } : {}),
    ...(lv.length ? { labeledVideos: lv } : {}),
    ...(dimensions ? { dimensions } : {}),
    ...(sourceVideo ? { sourceVideo } : {}),
    timing: series[0]?.timing,
    series,
  };
}

function readIntervals(v: H5View, path: string, name: string): NwbReadTimeIntervals {
  const g = v.group(path) as Group;
  const colnames = (v.attr(g, "colnames") as string[] | string | undefined) ?? [];
  const cols = typeof colnames === "string" ? [colnames] : [...colnames];
  const f64 = (p: string) => {
    const a = v.numbers(p);
    return a instanceof Float64Array ? a : Float64Array.from(a ?? []);
  };
  const columns: NwbColumn[] = [];
  for (const c of cols) {
    if (c === "start_time" || c === "stop_time") continue;
    const p = childPath(path, c);
    const d = v.dataset(p);
    if (!d) continue;
    const description = v.attrText(d, "description") ?? "";
    const val = d.value;
    let data: NwbColumn["data"];
    if (Array.isArray(val) && typeof val[0] === "string") data = val as string[];
    else if (val instanceof Int32Array || val instanceof Float32Array || val instanceof Float64Array)
      data = val;
    else if (ArrayBuffer.isView(val)) data = Float64Array.from(val as unknown as ArrayLike<number>, Number);
    else if (Array.isArray(val) && val.length === 0) data = [];
    else continue; // ragged / compound columns are not interpreted
    columns.push({ name: c, description, data });
  }
  const idv = v.numbers(`${path}/id`);
  return {
    kind: "TimeIntervals",
    name,
    path,
    description: v.attrText(g, "description") ?? "",
    startTime: f64(`${path}/start_time`),
    stopTime: f64(`${path}/stop_time`),
    ids: idv ? Array.from(idv) : [],
    columns,
  };
}

function readInterface(v: H5View, path: string, name: string): NwbReadDataInterface | undefined {
  const g = v.group(path);
  const t = v.typeOf(g ?? v.dataset(path));
  if (!t) {
    if (g && v.dataset(`${path}/data`))
      throw v.fail(path, "a group with data but no neurodata_type: readers cannot tell what it is");
    return undefined;
  }
  switch (t.type) {
    case "PoseEstimation":
      return readPose(v, path, name);
    case "Skeletons": {
      const sk = (g as Group)
        .keys()
        .filter((k) => v.typeOf(v.group(childPath(path, k)))?.type === "Skeleton")
        .map((k) => readSkeleton(v, childPath(path, k), k));
      return { kind: "Skeletons", name, path, skeletons: sk };
    }
    case "BehavioralEvents":
      return {
        kind: "BehavioralEvents",
        name,
        path,
        timeSeries: (g as Group)
          .keys()
          .filter((k) => v.group(childPath(path, k)) && v.dataset(`${childPath(path, k)}/data`))
          .map((k) => readTimeSeries(v, childPath(path, k), k)),
      };
    case "TimeIntervals":
      return readIntervals(v, path, name);
    case "TimeSeries":
    case "SpatialSeries":
      return readTimeSeries(v, path, name);
    default:
      return { kind: "Unknown", name, path, neurodataType: t.type, namespace: t.ns };
  }
}

function findPoses(v: H5View, path: string, out: NwbReadPoseEstimation[], seen: Set<string>): void {
  const g = v.group(path);
  if (!g) return;
  for (const k of g.keys()) {
    const p = childPath(path, k);
    if (p === "/specifications" || v.softLink(p)) continue;
    const cg = v.group(p);
    if (!cg) continue;
    if (v.typeOf(cg)?.type === "PoseEstimation") {
      if (!seen.has(p)) {
        seen.add(p);
        out.push(readPose(v, p, k));
      }
    } else findPoses(v, p, out, seen);
  }
}

export { isHdf5File };

/**
 * Read an NWB file into typed objects: file metadata, subject, devices, acquisition (ImageSeries, TimeSeries),
 * processing modules (pose estimations with keypoint names, data, confidence, timestamps and skeleton;
 * skeletons; time series; behavioral events; interval tables), trials and other interval tables, and the
 * provenance written by this package. Reads ndx-pose 0.1.x (inline nodes/edges) and 0.2/0.3 (linked Skeleton)
 * layouts. Objects it does not interpret are listed as `kind: "Unknown"`.
 *
 * @example
 * ```ts
 * import { readNwb } from "@neuropose/nwb";
 * const nwb = await readNwb("session.nwb");
 * for (const pe of nwb.poseEstimations) console.log(pe.path, pe.series.map((s) => s.name));
 * ```
 */
export async function readNwb(path: string): Promise<NwbFileContents> {
  const f = await openForRead(path);
  try {
    return quietly(() => readOpen(f, path));
  } catch (e) {
    if (e instanceof NwbReadError) throw e;
    throw new NwbReadError(`cannot read the NWB file (${h5ErrorSummary(e)})`, {
      path,
      hint: "the file may be truncated, still being written, or use HDF5 features this reader does not support",
      cause: e,
    });
  } finally {
    try {
      f.close();
    } catch {
      // a file that failed to read may also fail to close; the read error is what matters
    }
  }
}

function readOpen(f: H5File, path: string): NwbFileContents {
  {
    const v = new H5View(f);
    const root = f as unknown as Group;
    if (v.attrText(root, "neurodata_type") !== "NWBFile") {
      throw new NwbReadError(`${path} is HDF5 but not NWB (the root has no neurodata_type "NWBFile")`, {
        path,
      });
    }
    const opt = (k: string, val: string | undefined) => (val !== undefined ? { [k]: val } : {});
    let subject: NwbSubject | undefined;
    if (v.group("/general/subject")) {
      const s = "/general/subject";
      subject = {
        subjectId: v.text(`${s}/subject_id`) ?? "",
        species: v.text(`${s}/species`) ?? "",
        ...opt("age", v.text(`${s}/age`)),
        ...opt("sex", v.text(`${s}/sex`)),
        ...opt("description", v.text(`${s}/description`)),
        ...opt("genotype", v.text(`${s}/genotype`)),
        ...opt("strain", v.text(`${s}/strain`)),
        ...opt("weight", v.text(`${s}/weight`)),
        ...opt("dateOfBirth", v.text(`${s}/date_of_birth`)),
      };
    }
    const devices: NwbDevice[] = [];
    for (const k of v.group("/general/devices")?.keys() ?? []) {
      const g = v.group(`/general/devices/${k}`);
      devices.push({
        name: k,
        ...opt("description", v.attrText(g, "description")),
        ...opt("manufacturer", v.attrText(g, "manufacturer")),
      });
    }
    const acquisition: NwbFileContents["acquisition"] = [];
    for (const k of v.group("/acquisition")?.keys() ?? []) {
      const p = `/acquisition/${k}`;
      const t = v.typeOf(v.group(p) ?? v.dataset(p));
      if (!t) continue;
      if (t.type === "ImageSeries") acquisition.push(readImageSeries(v, p, k));
      else if (t.type === "TimeSeries" || t.type === "SpatialSeries")
        acquisition.push(readTimeSeries(v, p, k));
      else acquisition.push({ kind: "Unknown", name: k, path: p, neurodataType: t.type, namespace: t.ns });
    }
    const processing: NwbReadProcessingModule[] = [];
    for (const k of v.group("/processing")?.keys() ?? []) {
      const p = `/processing/${k}`;
      const g = v.group(p);
      if (!g) continue;
      const dataInterfaces: NwbReadDataInterface[] = [];
      for (const c of g.keys()) {
        const cp = childPath(p, c);
        if (v.softLink(cp)) continue;
        const di = readInterface(v, cp, c);
        if (di) dataInterfaces.push(di);
      }
      processing.push({ name: k, path: p, description: v.attrText(g, "description") ?? "", dataInterfaces });
    }
    const poseEstimations: NwbReadPoseEstimation[] = [];
    const seen = new Set<string>();
    for (const m of processing)
      for (const di of m.dataInterfaces)
        if (di.kind === "PoseEstimation") {
          seen.add(di.path);
          poseEstimations.push(di);
        }
    findPoses(v, "/", poseEstimations, seen);
    let trials: NwbReadTimeIntervals | undefined;
    const intervals: NwbReadTimeIntervals[] = [];
    for (const k of v.group("/intervals")?.keys() ?? []) {
      const p = `/intervals/${k}`;
      if (v.typeOf(v.group(p))?.type !== "TimeIntervals") continue;
      const t = readIntervals(v, p, k);
      if (k === "trials") trials = t;
      else intervals.push(t);
    }
    let provenance: Record<string, unknown> | undefined;
    const ss = v.dataset("/general/source_script");
    if (ss && v.attrText(ss, "file_name") === "neuropose-provenance.json") {
      try {
        provenance = JSON.parse(v.text("/general/source_script") ?? "") as Record<string, unknown>;
      } catch {
        provenance = undefined;
      }
    }
    const str = (p: string) => v.text(p);
    return {
      path,
      nwbVersion: v.attrText(root, "nwb_version") ?? "",
      objectId: v.attrText(root, "object_id"),
      identifier: str("/identifier") ?? "",
      sessionDescription: str("/session_description") ?? "",
      sessionStartTime: str("/session_start_time") ?? "",
      timestampsReferenceTime: str("/timestamps_reference_time"),
      fileCreateDate: v.textArray("/file_create_date"),
      experimenter: v.textArray("/general/experimenter"),
      ...opt("experimentDescription", str("/general/experiment_description")),
      ...opt("sessionId", str("/general/session_id")),
      ...opt("lab", str("/general/lab")),
      ...opt("institution", str("/general/institution")),
      keywords: v.textArray("/general/keywords"),
      ...opt("notes", str("/general/notes")),
      subject,
      devices,
      acquisition,
      processing,
      trials,
      intervals,
      provenance,
      poseEstimations,
    };
  }
}
