// Writes an NwbFileSpec to an NWB 2.6 file (with ndx-pose 0.2 types) on h5wasm.
// Over 500 lines: one writer per NWB type, in the order the file is laid out; splitting it per type is the next
// step (the pose part first, as export/ was split).
// Order: check everything → h5wasm writes the temp file of io's atomic target (a name later runs recognise and
// remove once this process is gone) → close → commit (fsync, rename over the target, fsync the folder).
// The write yields to the event loop between chunks, so Ctrl-C/SIGTERM (an AbortSignal) stop it between chunks.
import { setImmediate as nextTurn } from "node:timers/promises";
import { type AtomicTarget, openAtomicTarget } from "@neuropose/io";
import {
  attrF64,
  attrI32,
  attrText,
  attrTextArray,
  childPath,
  type Dataset,
  dsF64Scalar,
  dsText,
  dsTextArray,
  type Group,
  type H5File,
  h5ErrorSummary,
  h5ready,
  quietly,
  quietlyAsync,
  setType,
} from "./_h5.js";
import { CACHED_SPECS } from "./_specs.generated.js";
import { checkNwbSpec, isChunkSource, isoDateTime, rowCount } from "./check-spec.js";
import { NwbInputError, NwbWriteError } from "./errors.js";
import type {
  ChunkSource,
  NumericData,
  NwbBehavioralEvents,
  NwbFileSpec,
  NwbImageSeries,
  NwbPoseEstimation,
  NwbProgress,
  NwbSkeletons,
  NwbTimeIntervals,
  NwbTimeSeries,
  NwbTiming,
  WriteNwbOptions,
} from "./types.js";

/** The NWB schema version written. */
export const NWB_VERSION = "2.6.0";
/** The ndx-pose layout written (0.2.x: Skeletons + PoseEstimation links; readable by 0.2 and 0.3). */
export const NDX_POSE_LAYOUT = "0.2";

interface Ctx {
  f: H5File;
  level: number;
  chunkRows: number;
  total: number;
  done: number;
  onProgress: ((p: NwbProgress) => void) | undefined;
  signal: AbortSignal | undefined;
  /** Confidence datasets written so far, by source and definition (a second series with both links to it). */
  confidences: Map<unknown, Map<string, string>>;
}

class Aborted extends Error {}

/** Let signal handlers and other I/O run (a write of many chunks must not hold the event loop), then check. */
async function yieldTurn(ctx: Ctx): Promise<void> {
  await nextTurn();
  if (ctx.signal?.aborted) throw new Aborted("aborted");
}

type Float = "float32" | "float64";

/**
 * Appends rows (first dimension = time) to a chunked, gzip-compressed dataset, window by window. Timestamps are
 * checked as they are written (finite, never decreasing) so chunk sources need to be read only once.
 */
class RowWriter {
  readonly ds: Dataset;
  readonly n: number;
  readonly object: string;
  private written = 0;
  private last = Number.NEGATIVE_INFINITY;
  private readonly rowShape: number[];

  constructor(
    private readonly ctx: Ctx,
    g: Group,
    name: string,
    private readonly data: NumericData,
    private readonly width: number,
    private readonly dtype: Float,
    private readonly twoD: boolean,
    private readonly timestamps = false,
  ) {
    this.n = rowCount(data, width);
    this.rowShape = twoD ? [width] : [];
    const chunkRows = Math.max(1, Math.min(ctx.chunkRows, this.n || 1));
    this.ds = g.create_dataset({
      name,
      data: dtype === "float32" ? new Float32Array(0) : new Float64Array(0),
      shape: [0, ...this.rowShape],
      maxshape: [null, ...this.rowShape],
      chunks: [chunkRows, ...this.rowShape],
      dtype: dtype === "float32" ? "<f" : "<d",
      ...(ctx.level > 0 ? { compression: "gzip" as const, compression_opts: ctx.level } : {}),
    });
    this.object = childPath(g.path, name);
  }

  /** Write rows up to `end` (exclusive), reading the source in windows of at most `chunkRows` rows. */
  async writeUpTo(end: number): Promise<void> {
    const stop = Math.min(this.n, end);
    const step = Math.max(1, this.ctx.chunkRows);
    while (this.written < stop) {
      if (this.ctx.signal?.aborted) throw new Aborted("aborted");
      const s = this.written;
      const e = Math.min(stop, s + step);
      const w = this.width;
      const block: ArrayLike<number> = isChunkSource(this.data)
        ? await this.data.read(s, e)
        : (this.data as ArrayLike<number> & { slice(a: number, b: number): ArrayLike<number> }).slice(
            s * w,
            e * w,
          );
      if (block.length !== (e - s) * w) {
        throw new NwbInputError([
          `${this.object}: rows ${s}..${e} gave ${block.length} values, expected ${(e - s) * w}`,
        ]);
      }
      if (this.timestamps) this.checkTimes(block, s);
      const typed =
        this.dtype === "float32"
          ? block instanceof Float32Array
            ? block
            : Float32Array.from(block)
          : block instanceof Float64Array
            ? block
            : Float64Array.from(block);
      this.ds.resize([e, ...this.rowShape]);
      this.ds.write_slice(this.twoD ? [[s, e], []] : [[s, e]], typed);
      this.written = e;
      this.ctx.done += e - s;
      this.ctx.onProgress?.({ done: this.ctx.done, total: this.ctx.total, object: this.object });
      await yieldTurn(this.ctx);
    }
  }

  private checkTimes(block: ArrayLike<number>, offset: number): void {
    for (let k = 0; k < block.length; k++) {
      const t = block[k] as number;
      if (!Number.isFinite(t))
        throw new NwbInputError([`${this.object}[${offset + k}]: ${t} is not a finite number of seconds`]);
      if (t < this.last)
        throw new NwbInputError([
          `${this.object}[${offset + k}]: ${t} is before the previous timestamp ${this.last} (must not decrease)`,
        ]);
      this.last = t;
    }
  }
}

/** Create the time base of a series; returns a RowWriter when timestamps still have to be written. */
function createTiming(
  ctx: Ctx,
  g: Group,
  timing: NwbTiming,
  linkTo?: string,
): RowWriter | string | undefined {
  if ("timestamps" in timing) {
    if (linkTo) {
      g.create_soft_link(linkTo, "timestamps");
      return linkTo;
    }
    const w = new RowWriter(ctx, g, "timestamps", timing.timestamps, 1, "float64", false, true);
    attrI32(w.ds, "interval", 1);
    attrText(w.ds, "unit", "seconds");
    return w;
  }
  const ds = dsF64Scalar(g, "starting_time", timing.startingTime ?? 0);
  attrF64(ds, "rate", timing.rate);
  attrText(ds, "unit", "seconds");
  return undefined;
}

async function writeTiming(ctx: Ctx, g: Group, timing: NwbTiming): Promise<void> {
  const w = createTiming(ctx, g, timing);
  if (w instanceof RowWriter) await w.writeUpTo(w.n);
}

function dataAttrs(ds: Dataset, unit: string, conversion = 1, offset = 0, resolution = -1): void {
  attrText(ds, "unit", unit);
  attrF64(ds, "conversion", conversion);
  attrF64(ds, "offset", offset);
  attrF64(ds, "resolution", resolution);
}

function seriesGroup(
  parent: Group,
  name: string,
  type: string,
  ns: string,
  description: string,
  comments?: string,
) {
  const g = parent.create_group(name);
  setType(g, type, ns);
  attrText(g, "description", description);
  attrText(g, "comments", comments ?? "no comments");
  return g;
}

/** A TimeSeries' group and attributes; returns the writers of its rows (data, timestamps), still to be filled. */
function createTimeSeries(ctx: Ctx, parent: Group, ts: NwbTimeSeries): RowWriter[] {
  const g = seriesGroup(parent, ts.name, "TimeSeries", "core", ts.description, ts.comments);
  const width = ts.width ?? 1;
  const data = new RowWriter(ctx, g, "data", ts.data, width, ts.dtype ?? "float64", width > 1);
  dataAttrs(data.ds, ts.unit, ts.conversion, ts.offset, ts.resolution);
  const t = createTiming(ctx, g, ts.timing);
  return t instanceof RowWriter ? [data, t] : [data];
}

async function writeTimeSeries(ctx: Ctx, parent: Group, ts: NwbTimeSeries): Promise<void> {
  for (const w of createTimeSeries(ctx, parent, ts)) await w.writeUpTo(w.n);
}

async function writeImageSeries(ctx: Ctx, parent: Group, s: NwbImageSeries): Promise<void> {
  const g = seriesGroup(parent, s.name, "ImageSeries", "core", s.description, s.comments);
  const data = g.create_dataset({ name: "data", data: new Uint8Array(0), shape: [0, 0, 0], dtype: "<B" });
  dataAttrs(data, "unknown");
  const ef = dsTextArray(g, "external_file", s.externalFile);
  const sf = s.startingFrame ?? s.externalFile.map(() => 0);
  ef.create_attribute("starting_frame", Int32Array.from(sf), [sf.length], "<i");
  dsText(g, "format", "external");
  if (s.device) g.create_soft_link(`/general/devices/${s.device}`, "device");
  await writeTiming(ctx, g, s.timing);
}

async function writeBehavioralEvents(ctx: Ctx, parent: Group, be: NwbBehavioralEvents): Promise<void> {
  const g = parent.create_group(be.name);
  setType(g, "BehavioralEvents", "core");
  for (const ts of be.timeSeries) await writeTimeSeries(ctx, g, ts);
}

function writeSkeletons(parent: Group, s: NwbSkeletons): void {
  const g = parent.create_group(s.name ?? "Skeletons");
  setType(g, "Skeletons", "ndx-pose");
  for (const sk of s.skeletons) {
    const k = g.create_group(sk.name);
    setType(k, "Skeleton", "ndx-pose");
    dsTextArray(k, "nodes", sk.nodes);
    const flat = Uint8Array.from(sk.edges.flat());
    k.create_dataset({ name: "edges", data: flat, shape: [sk.edges.length, 2], dtype: "<B" });
    if (sk.linkSubject) k.create_soft_link("/general/subject", "subject");
  }
}

/**
 * Create a PoseEstimation and its series' datasets; returns the writers that fill them (see `fillWindows`).
 */
function createPose(
  ctx: Ctx,
  parent: Group,
  p: NwbPoseEstimation,
  skeletonsPath: string | undefined,
): RowWriter[] {
  const g = parent.create_group(p.name);
  setType(g, "PoseEstimation", "ndx-pose");
  dsText(g, "description", p.description);
  if (p.scorer !== undefined) dsText(g, "scorer", p.scorer);
  if (p.sourceSoftware !== undefined) {
    const ds = dsText(g, "source_software", p.sourceSoftware);
    if (p.sourceSoftwareVersion !== undefined) attrText(ds, "version", p.sourceSoftwareVersion);
  }
  if (p.originalVideos?.length) dsTextArray(g, "original_videos", p.originalVideos);
  if (p.labeledVideos?.length) dsTextArray(g, "labeled_videos", p.labeledVideos);
  if (p.skeleton !== undefined && skeletonsPath)
    g.create_soft_link(`${skeletonsPath}/${p.skeleton}`, p.skeleton);
  for (const d of p.devices ?? []) g.create_soft_link(`/general/devices/${d}`, d);
  if (p.sourceVideo !== undefined) g.create_soft_link(`/acquisition/${p.sourceVideo}`, "source_video");
  const writers: RowWriter[] = [];
  let sharedTimestamps: string | undefined;
  for (const s of p.series) {
    const sg = seriesGroup(
      g,
      s.name,
      "PoseEstimationSeries",
      "ndx-pose",
      s.description ?? `Estimated position of keypoint ${s.name}.`,
      s.comments,
    );
    const data = new RowWriter(ctx, sg, "data", s.data, s.dims, "float32", true);
    dataAttrs(data.ds, s.unit);
    // ndx-pose 0.2 requires `confidence`: without one, write NaN and say so (0.3 readers accept either).
    const definition = s.confidence === undefined ? NO_CONFIDENCE : (s.confidenceDefinition ?? "unspecified");
    // The same confidence values (same source and definition: e.g. one keypoint's visibility in its 2D and its
    // 3D series) are stored once; the other series soft-link to that dataset, as pynwb does for shared data.
    const shared =
      s.confidence === undefined ? undefined : ctx.confidences.get(s.confidence)?.get(definition);
    if (shared !== undefined) sg.create_soft_link(shared, "confidence");
    else {
      const conf = new RowWriter(
        ctx,
        sg,
        "confidence",
        s.confidence ?? nanSource(data.n),
        1,
        "float32",
        false,
      );
      attrText(conf.ds, "definition", definition);
      if (s.confidence !== undefined) {
        const byDef = ctx.confidences.get(s.confidence) ?? new Map<string, string>();
        byDef.set(definition, conf.object);
        ctx.confidences.set(s.confidence, byDef);
      }
      writers.push(conf);
    }
    dsText(sg, "reference_frame", s.referenceFrame);
    const t = createTiming(ctx, sg, p.timing, sharedTimestamps);
    if (t instanceof RowWriter) {
      sharedTimestamps = childPath(sg.path, "timestamps");
      writers.push(t);
    }
    writers.push(data);
  }
  return writers;
}

/**
 * Fill datasets window by window in time order: every source's `read(start, end)` for a window is called before
 * any source is asked for the next window, so chunk sources fed by one sequential stream of frames (all the
 * PoseEstimations of a processing module together) need only one window in memory.
 */
async function fillWindows(ctx: Ctx, writers: RowWriter[]): Promise<void> {
  const n = Math.max(0, ...writers.map((w) => w.n));
  const step = Math.max(1, ctx.chunkRows);
  for (let s = 0; s < n; s += step) {
    for (const w of writers) await w.writeUpTo(s + step);
  }
}

/** The `definition` written when a series has no confidence (the values are NaN). */
export const NO_CONFIDENCE = "No confidence was estimated for this keypoint; all values are NaN.";

function nanSource(length: number): ChunkSource {
  return { length, width: 1, read: (a, b) => new Float32Array(b - a).fill(Number.NaN) };
}

function writeIntervals(parent: Group, name: string, t: NwbTimeIntervals): void {
  const g = parent.create_group(name);
  setType(g, "TimeIntervals", "core");
  attrText(g, "description", t.description);
  const cols = t.columns ?? [];
  attrTextArray(g, "colnames", ["start_time", "stop_time", ...cols.map((c) => c.name)]);
  const n = t.startTime.length;
  const vd = (colName: string, description: string, data: ArrayLike<number> | readonly string[]): void => {
    let ds: Dataset;
    if (typeof (data as ArrayLike<unknown>)[0] === "string") {
      ds = dsTextArray(g, colName, [...(data as readonly string[])]);
    } else if (data instanceof Int32Array) {
      ds = g.create_dataset({ name: colName, data, shape: [n], dtype: "<i" });
    } else if (data instanceof Float32Array) {
      ds = g.create_dataset({ name: colName, data, shape: [n], dtype: "<f" });
    } else {
      ds = g.create_dataset({
        name: colName,
        data: Float64Array.from(data as ArrayLike<number>),
        shape: [n],
        dtype: "<d",
      });
    }
    setType(ds, "VectorData", "hdmf-common");
    attrText(ds, "description", description);
  };
  vd("start_time", "Start time of the interval, in seconds.", t.startTime);
  vd("stop_time", "Stop time of the interval, in seconds.", t.stopTime);
  for (const c of cols) vd(c.name, c.description, c.data);
  const ids = g.create_dataset({
    name: "id",
    data: Int32Array.from(t.ids ?? Array.from({ length: n }, (_, i) => i)),
    shape: [n],
    dtype: "<i",
  });
  setType(ids, "ElementIdentifiers", "hdmf-common");
}

function countRows(spec: NwbFileSpec): number {
  let total = 0;
  // confidences stored once and linked from other series (see createPose) count once
  const confidences = new Map<unknown, Set<string>>();
  const ts = (t: NwbTimeSeries) => {
    total += rowCount(t.data, t.width ?? 1);
    if ("timestamps" in t.timing) total += rowCount(t.timing.timestamps, 1);
  };
  for (const a of spec.acquisition ?? []) {
    if (a.kind === "TimeSeries") ts(a);
    else if ("timestamps" in a.timing) total += rowCount(a.timing.timestamps, 1);
  }
  for (const m of spec.processing ?? []) {
    for (const di of m.dataInterfaces) {
      if (di.kind === "TimeSeries") ts(di);
      else if (di.kind === "BehavioralEvents") di.timeSeries.forEach(ts);
      else if (di.kind === "PoseEstimation") {
        for (const s of di.series) {
          total += rowCount(s.data, s.dims);
          if (s.confidence === undefined) total += rowCount(s.data, s.dims);
          else {
            const defs = confidences.get(s.confidence) ?? new Set<string>();
            const def = s.confidenceDefinition ?? "unspecified";
            if (!defs.has(def)) total += rowCount(s.data, s.dims);
            defs.add(def);
            confidences.set(s.confidence, defs);
          }
        }
        if ("timestamps" in di.timing) total += rowCount(di.timing.timestamps, 1);
      }
    }
  }
  return total;
}

async function writeAll(ctx: Ctx, spec: NwbFileSpec): Promise<void> {
  const f = ctx.f;
  attrText(f, "namespace", "core");
  attrText(f, "neurodata_type", "NWBFile");
  attrText(f, "nwb_version", NWB_VERSION);
  attrText(f, "object_id", crypto.randomUUID());
  dsText(f, "identifier", spec.identifier ?? crypto.randomUUID());
  dsText(f, "session_description", spec.sessionDescription);
  dsText(f, "session_start_time", isoDateTime(spec.sessionStartTime));
  dsText(f, "timestamps_reference_time", isoDateTime(spec.timestampsReferenceTime ?? spec.sessionStartTime));
  dsTextArray(f, "file_create_date", (spec.fileCreateDate ?? [new Date()]).map(isoDateTime));
  for (const name of ["acquisition", "analysis", "processing", "general", "stimulus", "intervals"])
    f.create_group(name);
  f.create_group("stimulus/presentation");
  f.create_group("stimulus/templates");
  const general = f.get("general") as Group;
  if (spec.experimenter?.length) dsTextArray(general, "experimenter", spec.experimenter);
  if (spec.keywords?.length) dsTextArray(general, "keywords", spec.keywords);
  const texts: [keyof NwbFileSpec, string][] = [
    ["experimentDescription", "experiment_description"],
    ["sessionId", "session_id"],
    ["lab", "lab"],
    ["institution", "institution"],
    ["notes", "notes"],
  ];
  for (const [k, n] of texts) if (typeof spec[k] === "string") dsText(general, n, spec[k] as string);
  if (spec.provenance !== undefined) {
    const ds = dsText(general, "source_script", JSON.stringify(spec.provenance));
    attrText(ds, "file_name", "neuropose-provenance.json");
  }
  if (spec.subject) {
    const s = spec.subject;
    const g = general.create_group("subject");
    setType(g, "Subject", "core");
    dsText(g, "subject_id", s.subjectId);
    dsText(g, "species", s.species);
    if (s.age !== undefined) attrText(dsText(g, "age", s.age), "reference", "birth");
    if (s.sex !== undefined) dsText(g, "sex", s.sex);
    if (s.description !== undefined) dsText(g, "description", s.description);
    if (s.genotype !== undefined) dsText(g, "genotype", s.genotype);
    if (s.strain !== undefined) dsText(g, "strain", s.strain);
    if (s.weight !== undefined) dsText(g, "weight", s.weight);
    if (s.dateOfBirth !== undefined) dsText(g, "date_of_birth", isoDateTime(s.dateOfBirth));
  }
  if (spec.devices?.length) {
    const dg = general.create_group("devices");
    for (const d of spec.devices) {
      const g = dg.create_group(d.name);
      setType(g, "Device", "core");
      if (d.description !== undefined) attrText(g, "description", d.description);
      if (d.manufacturer !== undefined) attrText(g, "manufacturer", d.manufacturer);
    }
  }
  const acq = f.get("acquisition") as Group;
  for (const a of spec.acquisition ?? []) {
    if (a.kind === "ImageSeries") await writeImageSeries(ctx, acq, a);
    else await writeTimeSeries(ctx, acq, a);
  }
  const proc = f.get("processing") as Group;
  for (const m of spec.processing ?? []) {
    const g = proc.create_group(m.name);
    setType(g, "ProcessingModule", "core");
    attrText(g, "description", m.description);
    let skeletonsPath: string | undefined;
    for (const di of m.dataInterfaces) {
      if (di.kind === "Skeletons") {
        writeSkeletons(g, di);
        skeletonsPath = childPath(g.path, di.name ?? "Skeletons");
      }
    }
    // every series of a module is filled window by window together: chunk sources fed by one stream of frames
    // (the pose series and, e.g., a per-frame score) need only one window in memory
    const poseWriters: RowWriter[] = [];
    for (const di of m.dataInterfaces) {
      if (di.kind === "TimeSeries") poseWriters.push(...createTimeSeries(ctx, g, di));
      else if (di.kind === "BehavioralEvents") await writeBehavioralEvents(ctx, g, di);
      else if (di.kind === "PoseEstimation") poseWriters.push(...createPose(ctx, g, di, skeletonsPath));
      else if (di.kind === "TimeIntervals") writeIntervals(g, di.name, di);
    }
    await fillWindows(ctx, poseWriters);
  }
  const intervals = f.get("intervals") as Group;
  if (spec.trials) writeIntervals(intervals, "trials", spec.trials);
  for (const t of spec.intervals ?? []) writeIntervals(intervals, t.name, t);
}

/** Write /specifications/<namespace>/<version>/<file> (JSON text) and the root `.specloc` reference, as pynwb does. */
function writeSpecifications(f: H5File, withPose: boolean): void {
  const root = f.create_group("specifications");
  for (const [ns, { version, files }] of Object.entries(CACHED_SPECS)) {
    if (ns === "ndx-pose" && !withPose) continue;
    const g = root.create_group(ns).create_group(version);
    for (const [name, text] of Object.entries(files)) dsText(g, name, text);
  }
  f.create_attribute(".specloc", root.create_reference());
}

function usesPose(spec: NwbFileSpec): boolean {
  return (spec.processing ?? []).some((m) =>
    m.dataInterfaces.some((d) => d.kind === "PoseEstimation" || d.kind === "Skeletons"),
  );
}

/**
 * Write an NWB 2.6 file (ndx-pose 0.2 layout for pose) described by `spec`.
 *
 * The spec is checked completely first: anything NWB cannot represent throws `NwbInputError` (naming the object
 * and field) before any byte is written. The file is written under a temporary name in the target's folder,
 * flushed, and renamed over the target, so a failed write never leaves a partial file at `path`. Series data are
 * written chunk by chunk (gzip level 4 by default); pass `ChunkSource`s to stream data that is not in memory.
 *
 * @example
 * ```ts
 * import { writeNwb } from "@neuropose/nwb";
 * await writeNwb("session.nwb", {
 *   sessionDescription: "treadmill walk",
 *   sessionStartTime: "2024-05-01T10:00:00+02:00",
 *   subject: { subjectId: "S01", species: "Homo sapiens" },
 *   acquisition: [{ kind: "TimeSeries", name: "speed", description: "belt speed", unit: "m/s",
 *     data: [1, 1.1, 1.2], timing: { rate: 100 } }],
 * });
 * ```
 */
export async function writeNwb(
  path: string,
  spec: NwbFileSpec,
  options: WriteNwbOptions = {},
): Promise<void> {
  const issues = checkNwbSpec(spec);
  if (issues.length > 0) throw new NwbInputError(issues, { path });
  const level = options.compressionLevel ?? 4;
  if (!Number.isInteger(level) || level < 0 || level > 9)
    throw new NwbInputError([`options: compressionLevel: ${level} must be an integer 0..9`], { path });
  const h5 = await h5ready();
  if (options.signal?.aborted) throw abortedError(path, options.signal.reason);
  let target: AtomicTarget;
  try {
    target = await openAtomicTarget(path, { keepExtension: true });
  } catch (e) {
    throw new NwbWriteError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      path,
      cause: e,
      hint: "check that the folder exists or can be created, and its permissions",
    });
  }
  const tmp = target.tmp;
  let f: H5File | undefined;
  try {
    f = quietly(() => new h5.File(tmp, "w"));
    const ctx: Ctx = {
      f,
      level,
      chunkRows: Math.max(1, options.chunkRows ?? 16384),
      total: countRows(spec),
      done: 0,
      onProgress: options.onProgress,
      signal: options.signal,
      confidences: new Map(),
    };
    const file = f;
    await quietlyAsync(async () => {
      await writeAll(ctx, spec);
      if (options.cacheSpecifications ?? true) writeSpecifications(file, usesPose(spec));
      file.close();
    });
    f = undefined;
    if (options.signal?.aborted) throw new Aborted("aborted");
    await target.commit();
  } catch (e) {
    try {
      f?.close();
    } catch {
      // already failing; the temp file is removed below
    }
    await target.abort();
    if (e instanceof NwbInputError) throw e;
    if (e instanceof Aborted || options.signal?.aborted) throw abortedError(path, e);
    throw new NwbWriteError(`writing ${path} failed: ${h5ErrorSummary(e)}`, {
      path,
      cause: e,
      hint: "check free space and permissions; the target was not modified",
    });
  }
}

function abortedError(path: string, cause: unknown): NwbWriteError {
  return new NwbWriteError("writing was aborted; nothing was written", { path, code: "E_ABORTED", cause });
}
