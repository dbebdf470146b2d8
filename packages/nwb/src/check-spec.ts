// Checks an NwbFileSpec completely before anything is written: every problem names the NWB object and field.
import type {
  ChunkSource,
  NumericData,
  NwbDateTime,
  NwbFileSpec,
  NwbPoseEstimation,
  NwbTimeIntervals,
  NwbTimeSeries,
  NwbTiming,
} from "./types.js";

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const RESERVED_POSE_NAMES = new Set([
  "description",
  "scorer",
  "source_software",
  "original_videos",
  "labeled_videos",
  "dimensions",
  "source_video",
  "labeled_video",
  "nodes",
  "edges",
]);

/** Rows of a NumericData with `width` values per row. */
export function rowCount(data: NumericData, width: number): number {
  if (isChunkSource(data)) return data.length;
  return Math.floor(data.length / width);
}

export function isChunkSource(d: unknown): d is ChunkSource {
  return typeof d === "object" && d !== null && typeof (d as ChunkSource).read === "function";
}

/** Format a date-time for NWB: Date → ISO in UTC with "+00:00"; strings are kept (checked elsewhere). */
export function isoDateTime(d: NwbDateTime): string {
  if (d instanceof Date) return d.toISOString().replace(/Z$/, "+00:00");
  return d;
}

function checkDateTime(issues: string[], where: string, d: NwbDateTime | undefined, allowDate = false): void {
  if (d === undefined) return;
  if (d instanceof Date) {
    if (Number.isNaN(d.getTime())) issues.push(`${where}: invalid Date`);
    return;
  }
  if (typeof d !== "string") {
    issues.push(`${where}: expected a Date or an ISO-8601 string`);
    return;
  }
  if (allowDate && ISO_DATE.test(d)) return;
  if (!ISO_WITH_OFFSET.test(d) || Number.isNaN(Date.parse(d))) {
    issues.push(
      `${where}: "${d}" is not an ISO-8601 date-time with a timezone offset (e.g. 2024-05-01T10:00:00+02:00 or ...Z)`,
    );
  }
}

function checkName(issues: string[], where: string, name: unknown): void {
  if (typeof name !== "string" || name.length === 0)
    issues.push(`${where}: name: must be a non-empty string`);
  else if (name.includes("/"))
    issues.push(`${where}: name: "${name}" contains "/" (not allowed in NWB names)`);
  else if (name === "." || name === "..") issues.push(`${where}: name: "${name}" is not a valid name`);
}

function checkText(issues: string[], where: string, field: string, v: unknown, required: boolean): void {
  if (v === undefined || v === null) {
    if (required) issues.push(`${where}: ${field}: required`);
    return;
  }
  if (typeof v !== "string") issues.push(`${where}: ${field}: expected a string`);
  else if (required && v.trim() === "") issues.push(`${where}: ${field}: must not be empty`);
}

function checkUnique(issues: string[], where: string, names: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) issues.push(`${where}: two objects are named "${n}"`);
    seen.add(n);
  }
}

function checkNumeric(
  issues: string[],
  where: string,
  field: string,
  data: NumericData | undefined,
  width: number,
): number {
  if (data === undefined) {
    issues.push(`${where}: ${field}: required`);
    return -1;
  }
  if (isChunkSource(data)) {
    if (!Number.isInteger(data.length) || data.length < 0)
      issues.push(`${where}: ${field}: chunk source length must be a non-negative integer`);
    if (data.width !== width)
      issues.push(`${where}: ${field}: chunk source width ${data.width}, expected ${width}`);
    return data.length;
  }
  if (!ArrayBuffer.isView(data) && !Array.isArray(data)) {
    issues.push(`${where}: ${field}: expected a typed array or an array of numbers`);
    return -1;
  }
  if (data.length % width !== 0) {
    issues.push(`${where}: ${field}: ${data.length} values is not a whole number of rows of ${width}`);
  }
  if (Array.isArray(data)) {
    const bad = data.findIndex((v) => typeof v !== "number");
    if (bad >= 0) issues.push(`${where}: ${field}[${bad}]: expected a number, got ${typeof data[bad]}`);
  }
  return Math.floor(data.length / width);
}

function checkTiming(issues: string[], where: string, timing: NwbTiming | undefined, rows: number): void {
  if (!timing || typeof timing !== "object") {
    issues.push(`${where}: timing: required (timestamps or rate)`);
    return;
  }
  if ("timestamps" in timing) {
    const n = checkNumeric(issues, where, "timestamps", timing.timestamps, 1);
    if (n >= 0 && rows >= 0 && n !== rows) {
      issues.push(`${where}: timestamps: ${n} timestamps for ${rows} samples (must be equal)`);
    }
    if (n < 0) return;
    // chunk sources are read once, while writing: their values are checked then
    if (isChunkSource(timing.timestamps)) return;
    let prev = Number.NEGATIVE_INFINITY;
    const ts = timing.timestamps;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as number;
      if (!Number.isFinite(t)) {
        issues.push(`${where}: timestamps[${i}]: ${t} is not a finite number of seconds`);
        return;
      }
      if (t < prev) {
        issues.push(
          `${where}: timestamps[${i}]: ${t} is before the previous timestamp ${prev} (must not decrease)`,
        );
        return;
      }
      prev = t;
    }
    return;
  }
  if ("rate" in timing) {
    if (typeof timing.rate !== "number" || !Number.isFinite(timing.rate) || timing.rate <= 0) {
      issues.push(`${where}: rate: ${timing.rate} must be a positive number of samples per second`);
    }
    const st = timing.startingTime ?? 0;
    if (typeof st !== "number" || !Number.isFinite(st))
      issues.push(`${where}: starting_time: ${st} must be a finite number`);
    return;
  }
  issues.push(`${where}: timing: give timestamps or rate`);
}

function checkTimeSeries(issues: string[], where: string, ts: NwbTimeSeries): void {
  checkName(issues, where, ts.name);
  checkText(issues, where, "description", ts.description, true);
  checkText(issues, where, "unit", ts.unit, true);
  const width = ts.width ?? 1;
  if (!Number.isInteger(width) || width < 1)
    issues.push(`${where}: width: ${width} must be a positive integer`);
  const rows = checkNumeric(issues, where, "data", ts.data, Math.max(1, width));
  checkTiming(issues, where, ts.timing, rows);
  for (const f of ["conversion", "offset", "resolution"] as const) {
    const v = ts[f];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v)))
      issues.push(`${where}: ${f}: must be a finite number`);
  }
}

function checkIntervals(issues: string[], where: string, t: NwbTimeIntervals): void {
  checkText(issues, where, "description", t.description, true);
  const n = t.startTime?.length ?? -1;
  if (n < 0) issues.push(`${where}: start_time: required`);
  if (t.stopTime?.length !== n)
    issues.push(`${where}: stop_time: ${t.stopTime?.length} values for ${n} rows`);
  for (let i = 0; i < n; i++) {
    const a = t.startTime[i] as number;
    const b = t.stopTime?.[i] as number;
    if (!Number.isFinite(a)) issues.push(`${where}: start_time[${i}]: ${a} is not finite`);
    if (!Number.isFinite(b)) issues.push(`${where}: stop_time[${i}]: ${b} is not finite`);
    if (Number.isFinite(a) && Number.isFinite(b) && b < a)
      issues.push(`${where}: stop_time[${i}]: ${b} is before start_time ${a}`);
  }
  const names = ["start_time", "stop_time", "id"];
  for (const c of t.columns ?? []) {
    const cw = `${where}/${c.name}`;
    checkName(issues, cw, c.name);
    if (names.includes(c.name)) issues.push(`${cw}: name: "${c.name}" is already a column of the table`);
    names.push(c.name);
    checkText(issues, cw, "description", c.description, true);
    if (c.data?.length !== n) issues.push(`${cw}: data: ${c.data?.length} values for ${n} rows`);
    else if (!ArrayBuffer.isView(c.data)) {
      const kinds = new Set((c.data as readonly unknown[]).map((v) => typeof v));
      if (kinds.size > 1 || (kinds.size === 1 && !kinds.has("number") && !kinds.has("string"))) {
        issues.push(
          `${cw}: data: values must be all numbers or all strings (got ${[...kinds].join(", ")}); booleans, objects and ragged values are not supported`,
        );
      }
    }
  }
  if (t.ids !== undefined) {
    if (t.ids.length !== n) issues.push(`${where}: id: ${t.ids.length} ids for ${n} rows`);
    if (t.ids.some((v) => !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1))
      issues.push(`${where}: id: ids must be 32-bit integers`);
    if (new Set(t.ids).size !== t.ids.length) issues.push(`${where}: id: ids must be unique`);
  }
}

function checkPose(
  issues: string[],
  where: string,
  p: NwbPoseEstimation,
  skeletons: Map<string, number>,
  devices: Set<string>,
  imageSeries: Set<string>,
): void {
  checkName(issues, where, p.name);
  checkText(issues, where, "description", p.description, true);
  for (const f of ["scorer", "sourceSoftware", "sourceSoftwareVersion"] as const)
    checkText(issues, where, f, p[f], false);
  if (p.sourceSoftwareVersion !== undefined && p.sourceSoftware === undefined)
    issues.push(`${where}: source_software: required when sourceSoftwareVersion is given`);
  const linkNames: string[] = [];
  if (p.skeleton !== undefined) {
    if (!skeletons.has(p.skeleton))
      issues.push(`${where}: skeleton: no skeleton "${p.skeleton}" in this processing module's Skeletons`);
    linkNames.push(p.skeleton);
  }
  for (const d of p.devices ?? []) {
    if (!devices.has(d)) issues.push(`${where}: devices: no device "${d}" in the file's devices`);
    linkNames.push(d);
  }
  if (p.sourceVideo !== undefined) {
    if (!imageSeries.has(p.sourceVideo))
      issues.push(`${where}: source_video: no ImageSeries "${p.sourceVideo}" in acquisition`);
    linkNames.push("source_video");
  }
  if (!Array.isArray(p.series) || p.series.length === 0) {
    issues.push(`${where}: series: at least one PoseEstimationSeries is required`);
    return;
  }
  const names = p.series.map((s) => s.name);
  checkUnique(issues, where, [...names, ...linkNames]);
  let rows = -1;
  for (const s of p.series) {
    const sw = `${where}/${s.name}`;
    checkName(issues, sw, s.name);
    if (RESERVED_POSE_NAMES.has(s.name))
      issues.push(`${sw}: name: "${s.name}" is reserved inside a PoseEstimation`);
    if (s.dims !== 2 && s.dims !== 3) issues.push(`${sw}: dims: ${s.dims} (must be 2 or 3)`);
    checkText(issues, sw, "unit", s.unit, true);
    checkText(issues, sw, "reference_frame", s.referenceFrame, true);
    const n = checkNumeric(issues, sw, "data", s.data, s.dims === 3 ? 3 : 2);
    if (rows < 0) rows = n;
    else if (n >= 0 && n !== rows)
      issues.push(`${sw}: data: ${n} frames, but the first series has ${rows} (series share one time base)`);
    if (s.confidence !== undefined) {
      const c = checkNumeric(issues, sw, "confidence", s.confidence, 1);
      if (c >= 0 && n >= 0 && c !== n) issues.push(`${sw}: confidence: ${c} values for ${n} frames`);
      if (!s.confidenceDefinition)
        issues.push(
          `${sw}: confidence.definition: say how the confidence was computed (confidenceDefinition)`,
        );
    }
  }
  checkTiming(issues, where, p.timing, rows);
}

function scanNul(issues: string[], where: string, v: unknown, depth = 0): void {
  if (depth > 12 || v === null || typeof v !== "object" || ArrayBuffer.isView(v) || isChunkSource(v)) return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === "provenance") continue; // stored as JSON, which escapes NUL
    if (typeof x === "string" && x.includes("\u0000"))
      issues.push(`${where}${k}: contains a NUL character (HDF5 strings cannot hold one)`);
    else scanNul(issues, `${where}${k}.`, x, depth + 1);
  }
}

/**
 * Check a file description completely. Returns every problem as `<NWB object path>: <field>: <what>`; empty when
 * the spec can be written.
 *
 * @example
 * ```ts
 * import { checkNwbSpec } from "@neuropose/nwb";
 * const issues = checkNwbSpec({ sessionDescription: "walk", sessionStartTime: "2024-05-01T10:00:00" });
 * console.log(issues); // ['/session_start_time: "2024-05-01T10:00:00" is not an ISO-8601 date-time with a timezone ...']
 * ```
 */
export function checkNwbSpec(spec: NwbFileSpec): string[] {
  const issues: string[] = [];
  scanNul(issues, "spec.", spec);
  if (spec.identifier !== undefined) checkText(issues, "/", "identifier", spec.identifier, true);
  checkText(issues, "/", "session_description", spec.sessionDescription, true);
  if (spec.sessionStartTime === undefined) issues.push("/: session_start_time: required");
  checkDateTime(issues, "/session_start_time", spec.sessionStartTime);
  checkDateTime(issues, "/timestamps_reference_time", spec.timestampsReferenceTime);
  for (const [i, d] of (spec.fileCreateDate ?? []).entries())
    checkDateTime(issues, `/file_create_date[${i}]`, d);
  for (const f of ["experimentDescription", "sessionId", "lab", "institution", "notes"] as const)
    checkText(issues, "/general", f, spec[f], false);
  for (const f of ["experimenter", "keywords"] as const) {
    const v = spec[f];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === "")))
      issues.push(`/general: ${f}: expected a list of non-empty strings`);
  }
  if (spec.subject) {
    const s = spec.subject;
    checkText(issues, "/general/subject", "subject_id", s.subjectId, true);
    checkText(issues, "/general/subject", "species", s.species, true);
    for (const f of ["age", "sex", "description", "genotype", "strain", "weight"] as const)
      checkText(issues, "/general/subject", f, s[f], false);
    if (
      s.age !== undefined &&
      !/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(s.age)
    )
      issues.push(`/general/subject: age: "${s.age}" is not an ISO-8601 duration (e.g. P30Y, P12W)`);
    if (s.sex !== undefined && !["M", "F", "U", "O"].includes(s.sex))
      issues.push(`/general/subject: sex: "${s.sex}" must be one of M, F, U, O`);
    checkDateTime(issues, "/general/subject/date_of_birth", s.dateOfBirth);
  }
  const devices = new Set<string>();
  for (const d of spec.devices ?? []) {
    const w = `/general/devices/${d.name}`;
    checkName(issues, w, d.name);
    checkText(issues, w, "description", d.description, false);
    checkText(issues, w, "manufacturer", d.manufacturer, false);
    devices.add(d.name);
  }
  checkUnique(
    issues,
    "/general/devices",
    (spec.devices ?? []).map((d) => d.name),
  );
  for (const a of spec.acquisition ?? []) {
    const w = `/acquisition/${a.name}`;
    if (a.kind === "TimeSeries") checkTimeSeries(issues, w, a);
    else if (a.kind === "ImageSeries") {
      checkName(issues, w, a.name);
      checkText(issues, w, "description", a.description, true);
      if (!Array.isArray(a.externalFile) || a.externalFile.length === 0)
        issues.push(`${w}: external_file: at least one file is required`);
      else {
        for (const [i, f] of a.externalFile.entries()) {
          if (typeof f !== "string" || f === "")
            issues.push(`${w}: external_file[${i}]: must be a non-empty path`);
          else if (f.startsWith("/") || /^[A-Za-z]:[\\/]/.test(f))
            issues.push(
              `${w}: external_file[${i}]: "${f}" is absolute; give a path relative to the NWB file`,
            );
        }
      }
      const sf = a.startingFrame;
      if (
        sf !== undefined &&
        (sf.length !== a.externalFile?.length || sf.some((v) => !Number.isInteger(v) || v < 0))
      )
        issues.push(`${w}: starting_frame: one non-negative integer per external file`);
      if (a.device !== undefined && !devices.has(a.device))
        issues.push(`${w}: device: no device "${a.device}" in the file's devices`);
      checkTiming(issues, w, a.timing, -1);
    } else issues.push(`${w}: kind: unsupported acquisition object "${(a as { kind: string }).kind}"`);
  }
  checkUnique(
    issues,
    "/acquisition",
    (spec.acquisition ?? []).map((a) => a.name),
  );
  const imageSeries = new Set(
    (spec.acquisition ?? []).filter((a) => a.kind === "ImageSeries").map((a) => a.name),
  );
  for (const m of spec.processing ?? []) {
    const w = `/processing/${m.name}`;
    checkName(issues, w, m.name);
    checkText(issues, w, "description", m.description, true);
    const skeletons = new Map<string, number>();
    const names: string[] = [];
    for (const di of m.dataInterfaces ?? []) {
      if (di.kind === "Skeletons") {
        const sw = `${w}/${di.name ?? "Skeletons"}`;
        names.push(di.name ?? "Skeletons");
        checkUnique(
          issues,
          sw,
          di.skeletons.map((s) => s.name),
        );
        for (const sk of di.skeletons) {
          const kw = `${sw}/${sk.name}`;
          checkName(issues, kw, sk.name);
          if (!Array.isArray(sk.nodes) || sk.nodes.length === 0)
            issues.push(`${kw}: nodes: at least one node`);
          else if (sk.nodes.length > 256)
            issues.push(
              `${kw}: nodes: ${sk.nodes.length} nodes; ndx-pose stores edges as uint8 (at most 256 nodes)`,
            );
          for (const [i, e] of (sk.edges ?? []).entries()) {
            if (
              !Array.isArray(e) ||
              e.length !== 2 ||
              e.some((v) => !Number.isInteger(v) || v < 0 || v >= sk.nodes.length || v > 255)
            )
              issues.push(`${kw}: edges[${i}]: [${e}] must be two node indices in 0..${sk.nodes.length - 1}`);
          }
          if (sk.linkSubject && !spec.subject)
            issues.push(`${kw}: subject: linkSubject is set but the file has no subject`);
          skeletons.set(sk.name, sk.nodes?.length ?? 0);
        }
      } else names.push(di.name);
    }
    checkUnique(issues, w, names);
    for (const di of m.dataInterfaces ?? []) {
      const dw = `${w}/${di.kind === "Skeletons" ? (di.name ?? "Skeletons") : di.name}`;
      switch (di.kind) {
        case "Skeletons":
          break;
        case "TimeSeries":
          checkTimeSeries(issues, dw, di);
          break;
        case "BehavioralEvents":
          checkName(issues, dw, di.name);
          checkUnique(
            issues,
            dw,
            di.timeSeries.map((t) => t.name),
          );
          for (const t of di.timeSeries) checkTimeSeries(issues, `${dw}/${t.name}`, t);
          break;
        case "PoseEstimation":
          checkPose(issues, dw, di, skeletons, devices, imageSeries);
          break;
        case "TimeIntervals":
          checkName(issues, dw, di.name);
          checkIntervals(issues, dw, di);
          break;
        default:
          issues.push(`${dw}: kind: unsupported data interface "${(di as { kind: string }).kind}"`);
      }
    }
  }
  checkUnique(
    issues,
    "/processing",
    (spec.processing ?? []).map((m) => m.name),
  );
  if (spec.trials) checkIntervals(issues, "/intervals/trials", spec.trials);
  for (const t of spec.intervals ?? []) {
    checkName(issues, `/intervals/${t.name}`, t.name);
    if (t.name === "trials") issues.push("/intervals/trials: name: use `trials` for the trials table");
    checkIntervals(issues, `/intervals/${t.name}`, t);
  }
  checkUnique(
    issues,
    "/intervals",
    (spec.intervals ?? []).map((t) => t.name),
  );
  if (spec.provenance !== undefined) {
    try {
      JSON.stringify(spec.provenance);
    } catch (e) {
      issues.push(`/general/source_script: provenance: not serialisable as JSON (${(e as Error).message})`);
    }
  }
  return issues;
}
