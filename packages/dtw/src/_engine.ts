// Option normalisation and engine dispatch shared by dtw(), the entry points and the cohort workers.
import { type CoreOptions, distanceJs } from "./_cell-cost.js";
import { assertFinite, dtwError, type Series, type SeriesInput, toSeries } from "./_series.js";
import { distanceWasm, getKernel } from "./_wasm.js";

/** The subset of DtwOptions the engines need (kept structural to avoid an import cycle with dtw.ts). */
export interface EngineOptions {
  cost?: "euclidean" | "sqeuclidean";
  window?: number;
  psi?: number;
  maxDist?: number;
  dims?: number;
  engine?: "auto" | "wasm" | "js";
}

function intOption(v: number | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (v === Number.POSITIVE_INFINITY && name === "window") return v;
  if (!Number.isInteger(v) || v < 0)
    throw dtwError("E_DTW_OPTION", `${name} must be a non-negative integer; got ${v}`);
  return v;
}

export function coreOptions(o: EngineOptions): CoreOptions {
  const cost = o.cost ?? "euclidean";
  if (cost !== "euclidean" && cost !== "sqeuclidean") {
    throw dtwError(
      "E_DTW_OPTION",
      `unknown cost ${JSON.stringify(cost)}`,
      'use "euclidean" or "sqeuclidean"',
    );
  }
  const maxDist = o.maxDist ?? Number.POSITIVE_INFINITY;
  if (!(maxDist >= 0)) throw dtwError("E_DTW_OPTION", `maxDist must be >= 0; got ${maxDist}`);
  return {
    cost,
    window: intOption(o.window, "window", Number.POSITIVE_INFINITY),
    psi: intOption(o.psi, "psi", 0),
    maxDist,
  };
}

export function prepare(a: SeriesInput, b: SeriesInput, o: EngineOptions): [Series, Series] {
  const sa = toSeries(a, o.dims, "a");
  const sb = toSeries(b, o.dims, "b");
  if (sa.dims !== sb.dims) {
    throw dtwError(
      "E_DTW_SHAPE",
      `frames differ in width: a has ${sa.dims} values per frame, b has ${sb.dims}`,
    );
  }
  if (sa.length === 0 || sb.length === 0) {
    throw dtwError(
      "E_DTW_EMPTY",
      `DTW needs non-empty sequences (a has ${sa.length} frames, b has ${sb.length})`,
    );
  }
  assertFinite(sa, "a");
  assertFinite(sb, "b");
  return [sa, sb];
}

/** Exact distance of two prepared series (internal; used by the entry points and the cohort workers). */
export function seriesDistance(
  sa: Series,
  sb: Series,
  co: CoreOptions,
  engine: EngineOptions["engine"],
): number {
  // rows = longer series, columns = shorter: O(min(n, m)) working memory; the result is the same either way.
  const [r, c] = sa.length >= sb.length ? [sa, sb] : [sb, sa];
  const k = engine === "js" ? null : getKernel();
  if (engine === "wasm" && !k)
    throw dtwError("E_DTW_WASM", "WebAssembly SIMD is not available here", undefined, "bug");
  return k ? distanceWasm(k, r, c, co) : distanceJs(r, c, co);
}
