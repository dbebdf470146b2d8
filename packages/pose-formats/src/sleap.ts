// SLEAP → harmonised pose: labels files (.slp, HDF5 format 1.x: `metadata` JSON attribute, `videos_json`,
// `tracks_json`, `frames`, `instances`, `points`, `pred_points`) and analysis exports (.h5: `tracks`,
// `point_scores`, `node_names`, `edge_inds`, `track_names`, `track_occupancy`; transposed for MATLAB by default).
import type { H5Reader } from "@neuropose/h5";
import { fileSource } from "./_build.js";
import { asPoseError, guarded, isHdf5Bytes, loadH5, loadInput } from "./_source.js";
import { PoseFormatError } from "./errors.js";
import type { HarmonisedPose, PoseSoftware } from "./types.js";

export interface ReadSleapOptions {
  /** Name for error messages when reading bytes. */
  name?: string;
  /** .slp: which video's labels to read (index into the file's videos; default 0). */
  video?: number;
  /** .slp: which skeleton (default 0); instances of other skeletons are skipped. */
  skeleton?: number;
  /**
   * .slp: which instances to keep. "user-over-predicted" (default, as SLEAP shows them): user-labelled instances,
   * plus predicted instances no user instance was made from; "predicted" or "user" only.
   */
  instances?: "user-over-predicted" | "predicted" | "user";
}

export const SLEAP_CONFIDENCE =
  "SLEAP point score: the confidence map value at the predicted point (predicted instances); 1.0 for points a user labelled; NaN when the point is missing or not visible.";

const INSTANCE_TYPE_USER = 0;

function layoutError(f: H5Reader, place: string, message: string, hint: string): PoseFormatError {
  return new PoseFormatError("E_POSE_LAYOUT", message, { path: f.file, place, hint });
}

/** Strings of a dataset; an empty dataset of any type (h5py writes empty ones as float) is []. */
function jsonRows(f: H5Reader, path: string): string[] {
  if (f.kind(path) !== "dataset") return [];
  const info = f.info(path);
  if (info.shape.reduce((x, y) => x * y, 1) === 0) return [];
  return f.strings(path);
}

function requireDataset(f: H5Reader, path: string, hint: string): void {
  if (f.kind(path) !== "dataset") throw layoutError(f, path, "dataset is missing", hint);
}

interface SkeletonInfo {
  name: string;
  nodes: string[];
  edges: [number, number][];
}

/** Skeletons from the metadata JSON, decoded like sleap-io (jsonpickle edge types: 1 = edge, 2 = symmetry). */
function skeletonsOf(meta: Record<string, unknown>, f: H5Reader): SkeletonInfo[] {
  const nodes = Array.isArray(meta.nodes)
    ? (meta.nodes as { name?: unknown }[]).map((n) => String(n?.name ?? ""))
    : [];
  const skels = Array.isArray(meta.skeletons) ? (meta.skeletons as Record<string, unknown>[]) : [];
  return skels.map((s, si) => {
    const ids = Array.isArray(s.nodes) ? (s.nodes as { id?: unknown }[]).map((n) => Number(n?.id)) : [];
    const names = ids.map((id) => {
      const nm = nodes[id];
      if (nm === undefined)
        throw layoutError(
          f,
          "/metadata@json",
          `skeleton ${si} names node ${id}, but there are ${nodes.length} nodes`,
          "the labels file is damaged; re-save it in SLEAP",
        );
      return nm;
    });
    const reduceTypes: number[] = [];
    const edges: [number, number][] = [];
    for (const link of Array.isArray(s.links) ? (s.links as Record<string, unknown>[]) : []) {
      const t = link.type as Record<string, unknown> | undefined;
      let type: number | undefined;
      const red = t?.["py/reduce"];
      if (Array.isArray(red)) {
        const tup = (red[1] as Record<string, unknown> | undefined)?.["py/tuple"];
        type = Array.isArray(tup) ? Number(tup[0]) : undefined;
        if (type !== undefined) reduceTypes.push(type);
      } else if (t && "py/id" in t) {
        const id = Number(t["py/id"]);
        type = reduceTypes[id - 1] ?? id;
      }
      if (type !== 1) continue;
      const a = ids.indexOf(Number(link.source));
      const b = ids.indexOf(Number(link.target));
      if (a >= 0 && b >= 0) edges.push([a, b]);
    }
    const graph = s.graph as Record<string, unknown> | undefined;
    return { name: String(graph?.name ?? `skeleton_${si}`), nodes: names, edges };
  });
}

function parseJson(text: string, f: H5Reader, place: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PoseFormatError("E_POSE_LAYOUT", `invalid JSON: ${(e as Error).message}`, {
      path: f.file,
      place,
      hint: "the labels file is damaged; re-save it in SLEAP",
      cause: e,
    });
  }
}

function readSlp(f: H5Reader, opts: ReadSleapOptions, src: HarmonisedPose["source"]): HarmonisedPose {
  const hint = "this does not look like a SLEAP labels file (.slp); re-save it in SLEAP";
  if (f.kind("/metadata") !== "group") throw layoutError(f, "/metadata", "group is missing", hint);
  const formatRaw = f.attr("/metadata", "format_id");
  const formatId = Number(formatRaw ?? 1.0);
  if (!Number.isFinite(formatId) || formatId >= 2) {
    throw layoutError(
      f,
      "/metadata@format_id",
      `format ${String(formatRaw)} is not 1.x`,
      "read it with a SLEAP version that writes format 1.x, or export an analysis .h5",
    );
  }
  const metaText = f.attrText("/metadata", "json");
  if (metaText === undefined) throw layoutError(f, "/metadata@json", "attribute is missing", hint);
  const meta = parseJson(metaText, f, "/metadata@json") as Record<string, unknown>;
  const skeletons = skeletonsOf(meta, f);
  const si = opts.skeleton ?? 0;
  const skel = skeletons[si];
  if (!skel)
    throw new PoseFormatError(
      "E_POSE_OPTION",
      `skeleton ${si} does not exist (the file has ${skeletons.length})`,
      { path: f.file, place: "/metadata@json", hint: "choose `skeleton` between 0 and the count - 1" },
    );
  for (const d of ["/frames", "/instances", "/points", "/pred_points"]) requireDataset(f, d, hint);
  const videos = jsonRows(f, "/videos_json");
  const vi = opts.video ?? 0;
  if (videos.length > 0 && (vi < 0 || vi >= videos.length)) {
    throw new PoseFormatError("E_POSE_OPTION", `video ${vi} does not exist (the file has ${videos.length})`, {
      path: f.file,
      place: "/videos_json",
      hint: "choose `video` between 0 and the count - 1",
    });
  }
  const warnings: string[] = [];
  if (videos.length > 1) warnings.push(`the file labels ${videos.length} videos; read video ${vi}`);
  let video: HarmonisedPose["video"];
  if (videos[vi] !== undefined) {
    const v = parseJson(videos[vi] as string, f, `/videos_json[${vi}]`) as Record<string, unknown>;
    const backend = (v.backend ?? {}) as Record<string, unknown>;
    const path = String(backend.filename ?? v.filename ?? "");
    if (path) video = { path };
  }
  const trackNames: string[] = [];
  jsonRows(f, "/tracks_json").forEach((t, i) => {
    const v = parseJson(t, f, `/tracks_json[${i}]`);
    trackNames.push(
      Array.isArray(v) && v.length >= 2
        ? String(v[1])
        : String((v as Record<string, unknown>)?.name ?? `track_${i}`),
    );
  });
  const frames = f.table("/frames");
  const inst = f.table("/instances");
  // the named columns of one table, in order (the first missing one is the error)
  const cols = (t: typeof frames, where: string, names: readonly string[]) =>
    names.map((name) => {
      const c = t.columns[name];
      if (!c) throw layoutError(f, `${where}.${name}`, "field is missing", hint);
      return c.data;
    });
  const [fVideo, fIdx, fStart, fEnd] = cols(frames, "/frames", [
    "video",
    "frame_idx",
    "instance_id_start",
    "instance_id_end",
  ]);
  const [iType, iSkel, iTrack, iFrom, iPStart, iPEnd] = cols(inst, "/instances", [
    "instance_type",
    "skeleton",
    "track",
    "from_predicted",
    "point_id_start",
    "point_id_end",
  ]);
  const userPts = f.table("/points");
  const predPts = f.table("/pred_points");
  const [ux, uy, uv] = cols(userPts, "/points", ["x", "y", "visible"]);
  const [px, py, pv, ps] = cols(predPts, "/pred_points", ["x", "y", "visible", "score"]);
  // format < 1.1 stored user-labelled points with the top-left pixel corner at (0, 0); SLEAP shifts those (not the
  // predicted ones) to pixel centres when reading
  const userShift = formatId < 1.1 ? -0.5 : 0;
  const mode = opts.instances ?? "user-over-predicted";
  const nKp = skel.nodes.length;
  // frames of this video
  let maxFrame = -1;
  for (let r = 0; r < frames.length; r++)
    if (fVideo[r] === vi && (fIdx[r] as number) > maxFrame) maxFrame = fIdx[r] as number;
  const nFrames = maxFrame + 1;
  const tracked = trackNames.length > 0;
  // per frame, the instances kept (row numbers into /instances), user instances first
  const kept: number[][] = [];
  let user = 0;
  let predicted = 0;
  let skipped = 0;
  let otherSkeleton = 0;
  let untracked = 0;
  let maxPer = 0;
  const frameOfRow: number[] = [];
  for (let r = 0; r < frames.length; r++) {
    if (fVideo[r] !== vi) {
      skipped += (fEnd[r] as number) - (fStart[r] as number);
      continue;
    }
    const s = fStart[r] as number;
    const e = fEnd[r] as number;
    if (s < 0 || e > inst.length || e < s)
      throw layoutError(
        f,
        `/frames[${r}]`,
        `instance range ${s}..${e} is outside /instances (${inst.length})`,
        "the labels file is damaged (truncated?); re-save it in SLEAP",
      );
    // from_predicted is the row in /instances of the predicted instance a user instance was made from
    const replaced = new Set<number>();
    if (mode === "user-over-predicted")
      for (let i = s; i < e; i++)
        if (iType[i] === INSTANCE_TYPE_USER && (iFrom[i] as number) >= 0) replaced.add(iFrom[i] as number);
    const users: number[] = [];
    const preds: number[] = [];
    for (let i = s; i < e; i++) {
      const isUser = iType[i] === INSTANCE_TYPE_USER;
      if ((mode === "predicted" && isUser) || (mode === "user" && !isUser) || (!isUser && replaced.has(i))) {
        skipped++;
        continue;
      }
      if (iSkel[i] !== si) {
        otherSkeleton++;
        skipped++;
        continue;
      }
      if (tracked && (iTrack[i] as number) < 0) {
        untracked++;
        skipped++;
        continue;
      }
      (isUser ? users : preds).push(i);
    }
    const list = [...users, ...preds];
    kept.push(list);
    frameOfRow.push(fIdx[r] as number);
    maxPer = Math.max(maxPer, list.length);
  }
  const nInd = tracked ? trackNames.length : maxPer;
  const individuals = tracked ? trackNames : Array.from({ length: nInd }, (_, i) => `instance_${i}`);
  const coords = new Float64Array(nFrames * nInd * nKp * 2).fill(Number.NaN);
  const confidence = new Float64Array(nFrames * nInd * nKp).fill(Number.NaN);
  const instanceKind = new Uint8Array(nFrames * nInd);
  let conflicts = 0;
  kept.forEach((list, k) => {
    const fr = frameOfRow[k] as number;
    let slotNext = 0;
    for (const i of list) {
      const isUser = iType[i] === INSTANCE_TYPE_USER;
      const slot = tracked ? (iTrack[i] as number) : slotNext++;
      if (slot >= nInd)
        throw layoutError(
          f,
          `/instances[${i}].track`,
          `track ${slot} does not exist (${nInd} tracks)`,
          "the labels file is damaged; re-save it in SLEAP",
        );
      if (instanceKind[fr * nInd + slot]) {
        conflicts++;
        skipped++;
        continue;
      }
      const p0 = iPStart[i] as number;
      const p1 = iPEnd[i] as number;
      const n = isUser ? ux.length : px.length;
      if (p1 - p0 !== nKp || p0 < 0 || p1 > n) {
        throw layoutError(
          f,
          `/instances[${i}]`,
          `points ${p0}..${p1} do not match the skeleton's ${nKp} nodes within ${isUser ? "/points" : "/pred_points"} (${n})`,
          "the labels file is damaged (truncated?); re-save it in SLEAP",
        );
      }
      instanceKind[fr * nInd + slot] = isUser ? 1 : 2;
      if (isUser) user++;
      else predicted++;
      for (let j = 0; j < nKp; j++) {
        const p = (fr * nInd + slot) * nKp + j;
        const q = p0 + j;
        const x = (isUser ? ux[q] : px[q]) as number;
        const y = (isUser ? uy[q] : py[q]) as number;
        const vis = (isUser ? uv[q] : pv[q]) as number;
        if (!vis || Number.isNaN(x) || Number.isNaN(y)) continue;
        coords[p * 2] = isUser ? x + userShift : x;
        coords[p * 2 + 1] = isUser ? y + userShift : y;
        confidence[p] = isUser ? 1 : (ps[q] as number);
      }
    }
  });
  if (otherSkeleton) warnings.push(`${otherSkeleton} instances of other skeletons were left out`);
  if (untracked) warnings.push(`${untracked} untracked instances were left out (the file has tracks)`);
  if (conflicts)
    warnings.push(`${conflicts} instances shared a track in one frame with an earlier one and were left out`);
  let missing = 0;
  for (let i = 0; i < confidence.length; i++) if (Number.isNaN(coords[i * 2] as number)) missing++;
  const prov = meta.provenance as Record<string, unknown> | undefined;
  const version = prov && typeof prov.sleap_version === "string" ? prov.sleap_version : undefined;
  const software: PoseSoftware = { name: "SLEAP", ...(version ? { version } : {}) };
  return {
    schemaVersion: 1,
    format: "sleap-slp",
    software,
    source: src,
    nFrames,
    nIndividuals: nInd,
    nKeypoints: nKp,
    nDims: 2,
    frameIndex: Float64Array.from({ length: nFrames }, (_, i) => i),
    keypoints: skel.nodes,
    edges: skel.edges,
    individuals,
    coords,
    confidence,
    confidenceDefinition: SLEAP_CONFIDENCE,
    instanceKind,
    ...(video ? { video } : {}),
    warnings,
    stats: { missingPoints: missing, zeroAsMissing: 0, instances: { user, predicted, skipped } },
  };
}

function readAnalysis(f: H5Reader, src: HarmonisedPose["source"]): HarmonisedPose {
  const hint =
    "a SLEAP analysis file has tracks, node_names and point_scores (sleap-convert --format analysis)";
  requireDataset(f, "/tracks", hint);
  requireDataset(f, "/node_names", hint);
  const nodes = f.strings("/node_names");
  const t = f.float64("/tracks");
  const [a, b, c, d] = t.shape as [number, number, number, number];
  if (t.shape.length !== 4) throw layoutError(f, "/tracks", `is ${t.shape.length}-D; expected 4-D`, hint);
  const nKp = nodes.length;
  const occ = f.kind("/track_occupancy") === "dataset" ? f.info("/track_occupancy").shape : undefined;
  // SLEAP writes (tracks, 2, nodes, frames) when transposed for MATLAB (the default), else (frames, nodes, 2, tracks)
  let transposed: boolean;
  if (b === 2 && c === nKp && !(a === nKp || (c === 2 && b === nKp))) transposed = true;
  else if (c === 2 && b === nKp && !(b === 2 && c === nKp)) transposed = false;
  else if (b === 2 && c === nKp) transposed = occ ? occ[0] === d && occ[1] === a : true;
  else throw layoutError(f, "/tracks", `shape ${t.shape.join("×")} does not match ${nKp} nodes`, hint);
  const nTracks = transposed ? a : d;
  const nFrames = transposed ? d : a;
  const nDimsRaw = transposed ? b : c;
  const coords = new Float64Array(nFrames * nTracks * nKp * 2).fill(Number.NaN);
  const confidence = new Float64Array(nFrames * nTracks * nKp).fill(Number.NaN);
  const scores = f.kind("/point_scores") === "dataset" ? f.float64("/point_scores") : undefined;
  if (scores && scores.data.length !== nTracks * nKp * nFrames) {
    throw layoutError(
      f,
      "/point_scores",
      `has ${scores.data.length} values; expected ${nTracks * nKp * nFrames}`,
      hint,
    );
  }
  let missing = 0;
  for (let fr = 0; fr < nFrames; fr++) {
    for (let tr = 0; tr < nTracks; tr++) {
      for (let k = 0; k < nKp; k++) {
        const p = (fr * nTracks + tr) * nKp + k;
        const ix = transposed
          ? ((tr * nDimsRaw + 0) * nKp + k) * nFrames + fr
          : ((fr * nKp + k) * nDimsRaw + 0) * nTracks + tr;
        const iy = transposed
          ? ((tr * nDimsRaw + 1) * nKp + k) * nFrames + fr
          : ((fr * nKp + k) * nDimsRaw + 1) * nTracks + tr;
        const x = t.data[ix] as number;
        const y = t.data[iy] as number;
        if (Number.isNaN(x) || Number.isNaN(y)) {
          missing++;
          continue;
        }
        coords[p * 2] = x;
        coords[p * 2 + 1] = y;
        if (scores)
          confidence[p] = scores.data[
            transposed ? (tr * nKp + k) * nFrames + fr : (fr * nKp + k) * nTracks + tr
          ] as number;
      }
    }
  }
  const trackNames = jsonRows(f, "/track_names");
  const individuals =
    trackNames.length === nTracks ? trackNames : Array.from({ length: nTracks }, (_, i) => `instance_${i}`);
  const edges: [number, number][] = [];
  if (f.kind("/edge_inds") === "dataset") {
    const e = f.float64("/edge_inds");
    for (let i = 0; i + 1 < e.data.length; i += 2) edges.push([e.data[i] as number, e.data[i + 1] as number]);
  }
  let version: string | undefined;
  if (f.kind("/provenance") === "dataset") {
    try {
      const p = JSON.parse(f.strings("/provenance")[0] ?? "{}") as Record<string, unknown>;
      if (typeof p.sleap_version === "string") version = p.sleap_version;
    } catch {
      // provenance is informative only
    }
  }
  const videoPath = f.kind("/video_path") === "dataset" ? f.strings("/video_path")[0] : undefined;
  return {
    schemaVersion: 1,
    format: "sleap-analysis-h5",
    software: { name: "SLEAP", ...(version ? { version } : {}) },
    source: src,
    nFrames,
    nIndividuals: nTracks,
    nKeypoints: nKp,
    nDims: 2,
    frameIndex: Float64Array.from({ length: nFrames }, (_, i) => i),
    keypoints: nodes,
    edges,
    individuals,
    coords,
    confidence,
    confidenceDefinition: SLEAP_CONFIDENCE,
    ...(videoPath ? { video: { path: videoPath } } : {}),
    warnings: transposed ? [] : ["tracks are stored untransposed (frames, nodes, 2, tracks)"],
    stats: { missingPoints: missing, zeroAsMissing: 0 },
  };
}

/**
 * Reads a SLEAP labels file (.slp, format 1.x: user and predicted instances, tracks, skeleton) or a SLEAP
 * analysis export (.h5) into the harmonised form. Rows are video frames 0..last labelled frame; individuals are
 * tracks (or instance_0.. in order when the file has none); invisible points are NaN.
 *
 * @example
 * ```ts
 * import { readSleap } from "@neuropose/pose-formats";
 * const pose = await readSleap("labels.v001.slp");
 * console.log(pose.nFrames, pose.keypoints.length, pose.individuals, pose.stats.instances);
 * ```
 */
export async function readSleap(
  source: string | Uint8Array,
  options: ReadSleapOptions = {},
): Promise<HarmonisedPose> {
  const input = loadInput(source, options.name, "SLEAP .slp or analysis .h5 file");
  if (!isHdf5Bytes(input.bytes)) {
    throw new PoseFormatError("E_POSE_FORMAT", "not an HDF5 file (no HDF5 signature)", {
      path: input.name,
      hint: "SLEAP .slp and analysis .h5 files are HDF5; a .json labels file must be re-saved as .slp",
    });
  }
  const src = fileSource(input.name, input.bytes);
  return guarded(input.name, async () => {
    const { openH5 } = await loadH5();
    const f = await openH5(typeof source === "string" ? source : input.bytes, { label: input.name });
    try {
      const keys = f.keys("/");
      try {
        if (keys.includes("metadata")) return readSlp(f, options, src);
        if (keys.includes("tracks") && keys.includes("node_names")) return readAnalysis(f, src);
      } catch (e) {
        throw asPoseError(e, input.name, undefined);
      }
      throw new PoseFormatError(
        "E_POSE_LAYOUT",
        `neither a SLEAP labels file nor an analysis export (top-level: ${keys.join(", ") || "nothing"})`,
        {
          path: input.name,
          place: "/",
          hint: "is this a DeepLabCut .h5 (use readDlc) or an NWB file?",
        },
      );
    } finally {
      f.close();
    }
  });
}
