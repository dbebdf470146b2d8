// Structural NWB validator: required groups, datasets, attributes, shapes and link targets. It is not the
// NWB schema validator (pynwb/hdmf): it checks what real readers need, fast, with no Python.
import { childPath, type Dataset, type Group, h5ErrorSummary, quietly, unreadableFilters } from "./_h5.js";
import { H5View, openForRead } from "./_view.js";
import { NwbReadError } from "./errors.js";

export interface NwbIssue {
  severity: "error" | "warning";
  /** Object path in the file ("/" for the root). */
  path: string;
  message: string;
}

export interface NwbValidationResult {
  /** True when there is no error (warnings allowed). */
  ok: boolean;
  file: string;
  nwbVersion: string | undefined;
  errors: NwbIssue[];
  warnings: NwbIssue[];
  /** Typed objects visited. */
  objects: number;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const TIME_SERIES_TYPES = new Set([
  "TimeSeries",
  "SpatialSeries",
  "PoseEstimationSeries",
  "ImageSeries",
  "ElectricalSeries",
  "RoiResponseSeries",
  "AnnotationSeries",
  "IntervalSeries",
  "OpticalSeries",
  "TwoPhotonSeries",
  "OnePhotonSeries",
  "ImageMaskSeries",
  "IndexSeries",
]);
const TABLE_TYPES = new Set([
  "DynamicTable",
  "TimeIntervals",
  "Units",
  "ElectrodeTable",
  "PlaneSegmentation",
]);
const FLOAT_CLASS = 1;
const STRING_CLASS = 3;

class Checker {
  errors: NwbIssue[] = [];
  warnings: NwbIssue[] = [];
  objects = 0;
  constructor(readonly v: H5View) {}

  err(path: string, message: string): void {
    this.errors.push({ severity: "error", path, message });
  }
  warn(path: string, message: string): void {
    this.warnings.push({ severity: "warning", path, message });
  }

  shape(path: string): number[] | undefined {
    const d = this.v.dataset(path);
    return d ? (d.shape ?? []) : undefined;
  }

  requireDataset(path: string, what: string): Dataset | undefined {
    const d = this.v.dataset(path);
    if (!d) this.err(path, `missing required dataset (${what})`);
    return d;
  }

  isoDataset(path: string, oneD: boolean): void {
    const d = this.requireDataset(path, oneD ? "1-D ISO-8601 date-times" : "ISO-8601 date-time");
    if (!d) return;
    const shape = d.shape ?? [];
    if (oneD && shape.length !== 1) this.err(path, `must be 1-D (length >= 1), is ${JSON.stringify(shape)}`);
    if (oneD && shape[0] === 0) this.err(path, "must hold at least one date-time");
    if (!oneD && shape.length !== 0) this.warn(path, `expected a scalar, got shape ${JSON.stringify(shape)}`);
    const values = this.v.textArray(path);
    for (const s of values) {
      if (!ISO_WITH_OFFSET.test(s))
        this.err(path, `"${s}" is not an ISO-8601 date-time with a timezone offset`);
    }
  }

  floatAttr(obj: Dataset | Group, path: string, name: string): void {
    const a = obj.attrs[name];
    if (a && a.metadata.type !== FLOAT_CLASS)
      this.err(path, `attribute ${name} must be a float (is stored as type class ${a.metadata.type})`);
  }

  root(): void {
    const v = this.v;
    const root = v.f as unknown as Group;
    if (v.attrText(root, "neurodata_type") !== "NWBFile")
      this.err("/", 'root attribute neurodata_type must be "NWBFile"');
    if (v.attrText(root, "namespace") !== "core") this.err("/", 'root attribute namespace must be "core"');
    const version = v.attrText(root, "nwb_version");
    if (!version) this.err("/", "root attribute nwb_version is missing");
    else if (!/^2\.\d+\.\d+/.test(version))
      this.err("/", `nwb_version "${version}" is not an NWB 2.x version`);
    if (!v.attrText(root, "object_id")) this.warn("/", "root attribute object_id is missing");
    for (const d of ["identifier", "session_description"]) {
      const ds = this.requireDataset(`/${d}`, "text");
      if (ds && ds.metadata.type !== STRING_CLASS) this.err(`/${d}`, "must be text");
      else if (ds && !(v.text(`/${d}`) ?? "").trim()) this.warn(`/${d}`, "is empty");
    }
    this.isoDataset("/session_start_time", false);
    this.isoDataset("/timestamps_reference_time", false);
    this.isoDataset("/file_create_date", true);
    for (const g of [
      "acquisition",
      "analysis",
      "processing",
      "general",
      "stimulus/presentation",
      "stimulus/templates",
    ]) {
      if (!v.group(`/${g}`)) this.err(`/${g}`, "missing required group");
    }
    const subject = v.group("/general/subject");
    if (subject && v.typeOf(subject)?.type !== "Subject")
      this.err("/general/subject", 'neurodata_type must be "Subject"');
    for (const k of v.group("/general/devices")?.keys() ?? []) {
      const p = `/general/devices/${k}`;
      if (!v.typeOf(v.group(p))) this.err(p, "devices must be typed objects (neurodata_type Device)");
    }
    for (const k of v.group("/processing")?.keys() ?? []) {
      const p = `/processing/${k}`;
      const g = v.group(p);
      const t = v.typeOf(g);
      if (t?.type !== "ProcessingModule")
        this.err(p, 'processing modules must have neurodata_type "ProcessingModule"');
      else if (v.attrText(g, "description") === undefined)
        this.err(p, "ProcessingModule needs a description attribute");
    }
  }

  walk(path: string): void {
    const g = this.v.group(path);
    if (!g) return;
    for (const k of g.keys()) {
      const p = childPath(path, k);
      if (p === "/specifications") continue;
      const link = this.v.softLink(p);
      if (link) {
        if (!this.v.exists(link)) this.err(p, `soft link to ${link}, which does not exist`);
        continue;
      }
      const cg = this.v.group(p);
      const ds = cg ? undefined : this.v.dataset(p);
      const obj = cg ?? ds;
      if (ds) this.readable(p, ds);
      const t = this.v.typeOf(obj);
      if (t) this.typed(p, obj as Group | Dataset, t.type, t.ns);
      if (cg) this.walk(p);
    }
  }

  /** A compressed dataset must be decodable: read its first chunk (cheap; every chunk goes through one pipeline). */
  readable(p: string, d: Dataset): void {
    let filters: unknown[];
    try {
      filters = d.filters;
    } catch {
      filters = [];
    }
    if (filters.length === 0) return;
    const shape = d.shape ?? [];
    if (shape.some((n) => n === 0)) return;
    try {
      d.slice(shape.map(() => [0, 1]));
    } catch (e) {
      const bad = unreadableFilters(d);
      this.err(
        p,
        bad.length > 0
          ? `compressed with the HDF5 filter ${bad.join(", ")}, which this reader cannot decode`
          : `cannot read the data (${h5ErrorSummary(e)})`,
      );
    }
  }

  typed(p: string, obj: Group | Dataset, type: string, ns: string): void {
    this.objects++;
    if (!ns) this.err(p, `typed object (${type}) has no namespace attribute`);
    if (!this.v.attrText(obj, "object_id")) this.warn(p, `typed object (${type}) has no object_id`);
    if (obj.type !== "Group") return;
    const g = obj as Group;
    if (TIME_SERIES_TYPES.has(type)) this.timeSeries(p, type);
    if (TABLE_TYPES.has(type)) this.table(p, g, type);
    if (type === "PoseEstimation") this.pose(p, g);
    if (type === "Skeleton") this.skeleton(p);
  }

  timeSeries(p: string, type: string): void {
    const v = this.v;
    const data = this.requireDataset(`${p}/data`, "TimeSeries data");
    if (data) {
      if (v.attrText(data, "unit") === undefined && type !== "PoseEstimationSeries")
        this.err(`${p}/data`, "attribute unit is required");
      for (const a of ["conversion", "offset", "resolution"]) this.floatAttr(data, `${p}/data`, a);
    }
    const hasTs = v.exists(`${p}/timestamps`);
    const hasStart = v.exists(`${p}/starting_time`);
    if (hasTs && hasStart) this.err(p, "has both timestamps and starting_time (give one)");
    if (!hasTs && !hasStart) this.err(p, "needs timestamps or starting_time");
    const n = data?.shape?.[0];
    const external = v.exists(`${p}/external_file`);
    if (hasTs) {
      const ts = v.dataset(`${p}/timestamps`);
      const shape = ts?.shape ?? [];
      if (shape.length !== 1) this.err(`${p}/timestamps`, `must be 1-D, is ${JSON.stringify(shape)}`);
      else if (n !== undefined && !external && shape[0] !== n)
        this.err(`${p}/timestamps`, `${shape[0]} timestamps for ${n} samples of data`);
      if (ts && ts.metadata.type !== FLOAT_CLASS) this.err(`${p}/timestamps`, "must be float64 seconds");
      const values = v.numbers(`${p}/timestamps`);
      if (values) {
        for (let i = 0; i < values.length; i++) {
          const t = values[i] as number;
          if (!Number.isFinite(t)) {
            this.err(`${p}/timestamps`, `timestamps[${i}] is ${t}`);
            break;
          }
          if (i > 0 && t < (values[i - 1] as number)) {
            this.err(`${p}/timestamps`, `timestamps decrease at index ${i}`);
            break;
          }
        }
      }
    }
    if (hasStart) {
      const st = v.dataset(`${p}/starting_time`);
      const rate = v.attrNumber(st, "rate");
      if (rate === undefined) this.err(`${p}/starting_time`, "attribute rate is required");
      else if (!(rate > 0)) this.err(`${p}/starting_time`, `rate ${rate} must be > 0`);
      if (st) this.floatAttr(st, `${p}/starting_time`, "rate");
    }
    if (type === "ImageSeries") {
      if (external) {
        const ef = v.dataset(`${p}/external_file`);
        const files = v.textArray(`${p}/external_file`);
        const sf = v.attr(ef, "starting_frame") as ArrayLike<number> | undefined;
        if (sf === undefined) this.err(`${p}/external_file`, "attribute starting_frame is required");
        else if ((sf as ArrayLike<number>).length !== files.length && files.length > 1)
          this.err(`${p}/external_file`, `starting_frame has ${sf.length} entries for ${files.length} files`);
        const format = v.text(`${p}/format`);
        if (format !== "external")
          this.err(`${p}/format`, `must be "external" when external_file is set (is ${format})`);
        for (const f of files) {
          if (f.startsWith("/") || /^[A-Za-z]:[\\/]/.test(f))
            this.warn(`${p}/external_file`, `"${f}" is absolute; relative paths survive moving the files`);
        }
      }
      const dev = v.softLink(`${p}/device`);
      if (dev && v.typeOf(v.group(dev))?.type !== "Device")
        this.err(`${p}/device`, `links to ${dev}, not a Device`);
    }
    if (type === "PoseEstimationSeries") {
      const shape = data?.shape ?? [];
      if (shape.length !== 2 || (shape[1] !== 2 && shape[1] !== 3))
        this.err(`${p}/data`, `must be (frames, 2) or (frames, 3), is ${JSON.stringify(shape)}`);
      const c = v.dataset(`${p}/confidence`);
      if (!c) this.warn(p, "no confidence dataset (required by ndx-pose 0.2)");
      else {
        const cs = c.shape ?? [];
        if (cs.length !== 1 || cs[0] !== n)
          this.err(`${p}/confidence`, `shape ${JSON.stringify(cs)} for ${n} frames`);
      }
      if (!v.exists(`${p}/reference_frame`))
        this.warn(p, "no reference_frame: say where (0,0) is and which way the axes point");
    }
  }

  table(p: string, g: Group, type: string): void {
    const v = this.v;
    const colnames = v.attr(g, "colnames");
    if (colnames === undefined) {
      this.err(p, "attribute colnames is required");
      return;
    }
    if (v.attrText(g, "description") === undefined) this.err(p, "attribute description is required");
    const cols = typeof colnames === "string" ? [colnames] : Array.from(colnames as ArrayLike<string>);
    const id = v.dataset(`${p}/id`);
    if (!id) this.err(`${p}/id`, "missing id (ElementIdentifiers)");
    const n = id?.shape?.[0];
    if (type === "TimeIntervals") {
      for (const c of ["start_time", "stop_time"]) if (!cols.includes(c)) this.err(p, `colnames lacks ${c}`);
    }
    for (const c of cols) {
      const cp = childPath(p, c);
      const d = v.dataset(cp);
      if (!d) {
        this.err(cp, `column "${c}" is listed in colnames but missing`);
        continue;
      }
      if (v.exists(`${cp}_index`)) continue; // ragged column: its length is the index's
      const len = d.shape?.[0];
      if (n !== undefined && len !== n) this.err(cp, `column has ${len} rows, id has ${n}`);
      if (v.attrText(d, "description") === undefined) this.err(cp, "column needs a description attribute");
    }
  }

  pose(p: string, g: Group): void {
    const v = this.v;
    let nodes: string[] | undefined;
    for (const k of g.keys()) {
      const cp = childPath(p, k);
      const link = v.softLink(cp);
      if (!link) continue;
      const t = v.typeOf(v.group(link))?.type;
      if (t === "Skeleton") nodes = v.textArray(`${link}/nodes`);
      else if (t !== "Device" && t !== "ImageSeries" && t !== undefined)
        this.warn(cp, `links to a ${t}; PoseEstimation links Skeleton, Device and ImageSeries objects`);
    }
    if (!nodes && v.exists(`${p}/nodes`)) nodes = v.textArray(`${p}/nodes`);
    const series = g
      .keys()
      .filter((k) => v.typeOf(v.group(childPath(p, k)))?.type === "PoseEstimationSeries");
    const lengths = new Set(series.map((k) => this.shape(`${p}/${k}/data`)?.[0]));
    if (lengths.size > 1) this.err(p, `series have different frame counts (${[...lengths].join(", ")})`);
    if (nodes) {
      const missing = series.filter((s) => !nodes?.includes(s));
      if (missing.length) this.warn(p, `series not named in the skeleton's nodes: ${missing.join(", ")}`);
    }
    const dims = v.dataset(`${p}/dimensions`);
    if (dims)
      this.warn(`${p}/dimensions`, "dimensions is deprecated in ndx-pose (uint8 overflows for sizes > 255)");
  }

  skeleton(p: string): void {
    const v = this.v;
    const nodes = v.textArray(`${p}/nodes`);
    if (!v.exists(`${p}/nodes`)) this.err(`${p}/nodes`, "missing nodes");
    const edges = v.dataset(`${p}/edges`);
    if (edges) {
      const shape = edges.shape ?? [];
      if (shape.length !== 2 || shape[1] !== 2)
        this.err(`${p}/edges`, `must be (edges, 2), is ${JSON.stringify(shape)}`);
      const e = v.numbers(`${p}/edges`) ?? [];
      for (let i = 0; i < e.length; i++) {
        if ((e[i] as number) >= nodes.length) {
          this.err(`${p}/edges`, `edge index ${e[i]} is out of range for ${nodes.length} nodes`);
          break;
        }
      }
    }
  }
}

/**
 * Check the structure of an NWB file: required root attributes, datasets and groups; for every typed object its
 * namespace and object_id, and by type: TimeSeries data/unit/timing and lengths, external ImageSeries,
 * PoseEstimation/PoseEstimationSeries/Skeleton shapes, DynamicTable/TimeIntervals columns; every soft link's
 * target. Errors make `ok` false; warnings do not.
 *
 * @example
 * ```ts
 * import { validateNwb } from "@neuropose/nwb";
 * const r = await validateNwb("session.nwb");
 * if (!r.ok) for (const e of r.errors) console.log(`${e.path}: ${e.message}`);
 * ```
 */
export async function validateNwb(path: string): Promise<NwbValidationResult> {
  let f: Awaited<ReturnType<typeof openForRead>>;
  try {
    f = await openForRead(path);
  } catch (e) {
    if (!(e instanceof NwbReadError)) throw e;
    return {
      ok: false,
      file: path,
      nwbVersion: undefined,
      errors: [{ severity: "error", path: "/", message: e.message }],
      warnings: [],
      objects: 0,
    };
  }
  try {
    const c = new Checker(new H5View(f));
    try {
      quietly(() => {
        c.root();
        c.walk("/");
      });
    } catch (e) {
      c.err("/", `cannot read the file (${h5ErrorSummary(e)})`);
    }
    return {
      ok: c.errors.length === 0,
      file: path,
      nwbVersion: c.v.attrText(f as unknown as Group, "nwb_version"),
      errors: c.errors,
      warnings: c.warnings,
      objects: c.objects,
    };
  } finally {
    f.close();
  }
}
