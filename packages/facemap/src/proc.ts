// Import of facemap's own outputs: the `*_proc.mat` file facemap writes beside `*_proc.npy` (facemap/process.py
// `save`: every list of arrays flattened to `<key>_<i>`, dicts as structs). Per-frame fields become time series:
// motion (motion energy: 0 = the whole frame, then each motion ROI), motSVD / movSVD (frames × components), pupil
// (area, com, axlen and their smoothed forms), blink, running (dy, dx). NaN is kept (facemap writes NaN for
// frames its pupil fit failed on). The MAT bytes are decoded by @neuropose/trials' strict reader (`readMatFile`);
// this module takes its value model structurally, so facemap imports nothing but io.
import { NeuroPoseError } from "@neuropose/io";

/** The parts of a decoded MAT value this module reads (structurally @neuropose/trials' `MatValue`). */
export type ProcMatValue =
  | { kind: "numeric"; dims: number[]; data: ArrayLike<number> }
  | { kind: "struct"; dims: number[]; fields: string[]; elements: Record<string, ProcMatValue>[] }
  | { kind: "cell"; dims: number[]; elements: ProcMatValue[] }
  | { kind: "char" | "unsupported"; dims?: number[] };

/** One per-frame series of a facemap output. */
export interface FacemapSeries {
  /** e.g. "motion_1", "motSVD_0", "pupil_0_area", "running_0". */
  name: string;
  description: string;
  /** Values per frame (1 for a trace; components for an SVD; 2 for com / running). */
  width: number;
  /** Row-major, frames × width; NaN where facemap wrote NaN. */
  data: Float64Array;
  unit: string;
}

/** What {@link facemapProcSeries} found in a facemap output. */
export interface FacemapProc {
  /** Frames (rows) of every series. */
  nFrames: number;
  series: FacemapSeries[];
}

const FIELDS: Record<string, { what: string; unit: string }> = {
  motion: {
    what: "facemap motion energy (sum of absolute frame differences; ROI 0 is the whole frame)",
    unit: "a.u.",
  },
  motSVD: { what: "facemap motion SVD: the motion projected on its principal components", unit: "a.u." },
  movSVD: { what: "facemap movie SVD: the frames projected on their principal components", unit: "a.u." },
  blink: { what: "facemap blink trace (eye area)", unit: "pixels^2" },
  running: { what: "facemap running: (dy, dx) phase-correlation shift between frames", unit: "pixels" },
};
const PUPIL: Record<string, { what: string; unit: string }> = {
  area: { what: "pupil area", unit: "pixels^2" },
  area_smooth: { what: "pupil area, smoothed by facemap", unit: "pixels^2" },
  com: { what: "pupil centre of mass (y, x)", unit: "pixels" },
  com_smooth: { what: "pupil centre of mass (y, x), smoothed by facemap", unit: "pixels" },
  axlen: { what: "pupil ellipse axis lengths", unit: "pixels" },
};

function bad(source: string, place: string, message: string): NeuroPoseError {
  return new NeuroPoseError("E_FACEMAP_PROC", `${source}: ${place}: ${message}`, {
    path: source,
    hint: "is this a facemap output (*_proc.npy, or *_proc.mat from facemap save with save_mat)?",
    kind: "user",
  });
}

/** A MATLAB matrix (column-major, dims [rows, cols, ...]) as frames × width, row-major. */
function matrix(
  v: ProcMatValue,
  source: string,
  place: string,
): { rows: number; width: number; data: Float64Array } {
  if (v.kind !== "numeric") throw bad(source, place, `holds ${v.kind} values, not numbers`);
  const dims = v.dims.filter((d, i) => i < 2 || d !== 1);
  if (dims.length > 3) throw bad(source, place, `has ${dims.length} dimensions`);
  // scipy writes a 1-D array as a 1×n row (oned_as="row"): that is n frames of one value.
  const [r, c] = [dims[0] ?? 0, (dims[1] ?? 1) * (dims[2] ?? 1)];
  const oneD = r === 1 && dims.length === 2;
  const rows = oneD ? c : r;
  const width = oneD ? 1 : c;
  const data = new Float64Array(rows * width);
  if (oneD) for (let i = 0; i < rows; i++) data[i] = v.data[i] as number;
  else
    for (let f = 0; f < rows; f++)
      for (let j = 0; j < width; j++) data[f * width + j] = v.data[f + j * rows] as number;
  return { rows, width, data };
}

/**
 * The per-frame series of a facemap output, from its decoded `*_proc.mat` variables (name → value, as
 * @neuropose/trials' `readMatFile(...).variables` gives them). Every series must have the same number of frames;
 * empty fields (a run without that ROI type) are skipped. Throws `E_FACEMAP_PROC` naming the variable otherwise.
 *
 * @example
 * ```ts
 * import { facemapProcSeries } from "@neuropose/facemap";
 * const v = (data: number[]) => ({ kind: "numeric" as const, dims: [1, data.length], data });
 * const p = facemapProcSeries({ motion_0: v([0, 2, Number.NaN]), blink_0: v([5, 6, 7]) });
 * console.log(p.nFrames, p.series.map((s) => s.name)); // 3 ["motion_0","blink_0"]
 * ```
 */
export function facemapProcSeries(
  variables: Readonly<Record<string, ProcMatValue>>,
  source = "<proc>",
): FacemapProc {
  const series: FacemapSeries[] = [];
  const names = Object.keys(variables).sort((a, b) => {
    const [ka, ia] = [a.replace(/_\d+$/, ""), Number(a.match(/_(\d+)$/)?.[1] ?? -1)];
    const [kb, ib] = [b.replace(/_\d+$/, ""), Number(b.match(/_(\d+)$/)?.[1] ?? -1)];
    const order = ["motion", "motSVD", "movSVD", "pupil", "blink", "running"];
    return order.indexOf(ka) - order.indexOf(kb) || ia - ib;
  });
  // facemap's save() flattens lists of arrays to <key>_<i>; the pupil list holds dicts, so scipy writes it as one
  // cell array of structs named "pupil" (pupil ROI i = cell i).
  const vars: [string, ProcMatValue][] = [];
  for (const name of names) {
    const v = variables[name] as ProcMatValue;
    if (name === "pupil" && v.kind === "cell")
      for (const [i, e] of v.elements.entries()) vars.push([`pupil_${i}`, e]);
    else if (name === "pupil" && v.kind === "struct") vars.push(["pupil_0", v]);
    else vars.push([name, v]);
  }
  for (const [name, v] of vars) {
    const m = /^(motion|motSVD|movSVD|blink|running|pupil)_(\d+)$/.exec(name);
    if (!m) continue;
    const key = m[1] as string;
    if (key === "pupil") {
      if (v.kind !== "struct") throw bad(source, name, `holds ${v.kind} values, not a pupil struct`);
      const rec = v.elements[0] ?? {};
      for (const field of Object.keys(PUPIL)) {
        const fv = rec[field];
        if (!fv) continue;
        const x = matrix(fv, source, `${name}.${field}`);
        if (x.rows === 0) continue;
        const info = PUPIL[field] as { what: string; unit: string };
        series.push({
          name: `${name}_${field}`,
          description: `facemap ${info.what} (pupil ROI ${m[2]})`,
          width: x.width,
          data: x.data,
          unit: info.unit,
        });
      }
      continue;
    }
    const x = matrix(v, source, name);
    if (x.rows === 0 || x.data.length === 0) continue;
    const info = FIELDS[key] as { what: string; unit: string };
    series.push({
      name,
      description: `${info.what}, ROI ${m[2]}`,
      width: x.width,
      data: x.data,
      unit: info.unit,
    });
  }
  const rows = (s: FacemapSeries) => s.data.length / s.width;
  const nFrames = series.length ? rows(series[0] as FacemapSeries) : 0;
  for (const s of series)
    if (rows(s) !== nFrames)
      throw bad(
        source,
        s.name,
        `has ${rows(s)} frames but ${(series[0] as FacemapSeries).name} has ${nFrames}`,
      );
  if (series.length === 0)
    throw bad(source, "/", "no per-frame facemap variable (motion_0, motSVD_0, pupil_0, ...)");
  return { nFrames, series };
}
