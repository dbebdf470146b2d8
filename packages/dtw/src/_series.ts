import { DtwError, type DtwErrorCode } from "./errors.js";

/** A multivariate series: `length` frames of `dims` values, row-major. */
export interface Series {
  readonly data: Float64Array;
  readonly length: number;
  readonly dims: number;
}

/**
 * Anything the DTW functions accept as one series: a plain array of numbers (univariate), an array of
 * frames (`number[][]`, F x D), a row-major `Float64Array`/`Float32Array` (with `dims`, default 1), or a
 * `{ rows, cols, data }` feature matrix (as produced by `@neuropose/kinematics`).
 */
export type SeriesInput =
  | ArrayLike<number>
  | ReadonlyArray<ArrayLike<number>>
  | { readonly rows: number; readonly cols: number; readonly data: ArrayLike<number> };

export function dtwError(
  code: DtwErrorCode,
  message: string,
  hint?: string,
  kind: "user" | "bug" = "user",
): DtwError {
  return new DtwError(code, message, { hint, kind });
}

function isMatrixLike(x: unknown): x is { rows: number; cols: number; data: ArrayLike<number> } {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { rows?: unknown }).rows === "number" &&
    typeof (x as { cols?: unknown }).cols === "number" &&
    "data" in x
  );
}

/** Normalises an input to a row-major Float64 series (copying only when needed). */
export function toSeries(x: SeriesInput, dims: number | undefined, name: string): Series {
  if (isMatrixLike(x)) {
    const { rows, cols } = x;
    if (x.data.length !== rows * cols) {
      throw dtwError(
        "E_DTW_SHAPE",
        `${name}: data has ${x.data.length} values but rows*cols = ${rows * cols}`,
      );
    }
    const data = x.data instanceof Float64Array ? x.data : Float64Array.from(x.data);
    return { data, length: rows, dims: cols };
  }
  if (x instanceof Float64Array || x instanceof Float32Array) {
    const d = dims ?? 1;
    if (!Number.isInteger(d) || d < 1)
      throw dtwError("E_DTW_OPTION", `dims must be a positive integer; got ${d}`);
    if (x.length % d !== 0) {
      throw dtwError("E_DTW_SHAPE", `${name}: length ${x.length} is not a multiple of dims = ${d}`);
    }
    const data = x instanceof Float64Array ? x : Float64Array.from(x);
    return { data, length: x.length / d, dims: d };
  }
  if (Array.isArray(x)) {
    if (x.length > 0 && typeof x[0] === "object" && x[0] !== null) {
      const rows = x as ReadonlyArray<ArrayLike<number>>;
      const d = rows[0]?.length ?? 0;
      if (d < 1) throw dtwError("E_DTW_SHAPE", `${name}: frames must have at least one value`);
      const data = new Float64Array(rows.length * d);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i] as ArrayLike<number>;
        if (r.length !== d) {
          throw dtwError("E_DTW_SHAPE", `${name}: frame ${i} has ${r.length} values, frame 0 has ${d}`);
        }
        for (let k = 0; k < d; k++) data[i * d + k] = Number(r[k]);
      }
      return { data, length: rows.length, dims: d };
    }
    const d = dims ?? 1;
    if (x.length % d !== 0) {
      throw dtwError("E_DTW_SHAPE", `${name}: length ${x.length} is not a multiple of dims = ${d}`);
    }
    return { data: Float64Array.from(x as ArrayLike<number>, Number), length: x.length / d, dims: d };
  }
  if (typeof x === "object" && x !== null && typeof (x as ArrayLike<number>).length === "number") {
    const d = dims ?? 1;
    const data = Float64Array.from(x as ArrayLike<number>, Number);
    if (data.length % d !== 0) {
      throw dtwError("E_DTW_SHAPE", `${name}: length ${data.length} is not a multiple of dims = ${d}`);
    }
    return { data, length: data.length / d, dims: d };
  }
  throw dtwError("E_DTW_SHAPE", `${name}: expected an array, a typed array or a { rows, cols, data } matrix`);
}

export function assertFinite(s: Series, name: string): void {
  const d = s.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i] as number)) {
      const frame = Math.floor(i / s.dims);
      throw dtwError(
        "E_DTW_NONFINITE",
        `${name}: frame ${frame} holds a non-finite value (${d[i]})`,
        'remove or fill missing values first (the entry points offer nanPolicy "interpolate" or "drop")',
      );
    }
  }
}
