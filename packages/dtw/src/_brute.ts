// Test-only brute-force references (not exported from the package).

interface BruteOptions {
  sq?: boolean;
  window?: number;
  psi?: number;
}

/** The Sakoe-Chiba band of `DtwOptions.window`, widened by the length difference. */
function inBand(i: number, j: number, n: number, m: number, w: number): boolean {
  return j >= i - w - Math.max(0, n - m) && j <= i + w + Math.max(0, m - n);
}

/** Local cost of (i, j): squared distance with `sq`, else Euclidean (|a - b| for one dimension). */
function localCost(a: number[][], b: number[][], i: number, j: number, sq: boolean | undefined): number {
  const ai = a[i] as number[];
  const bj = b[j] as number[];
  if (ai.length === 1 && !sq) return Math.abs((ai[0] as number) - (bj[0] as number));
  let s = 0;
  for (let k = 0; k < ai.length; k++) s += ((ai[k] as number) - (bj[k] as number)) ** 2;
  return sq ? s : Math.sqrt(s);
}

/** Enumerates every warping path (tiny inputs only) with psi-free starts/ends and a window predicate. */
export function bruteEnumerate(a: number[][], b: number[][], opts: BruteOptions = {}): number {
  const n = a.length;
  const m = b.length;
  const psi = opts.psi ?? 0;
  const w = opts.window ?? Number.POSITIVE_INFINITY;
  let best = Number.POSITIVE_INFINITY;
  const isEnd = (i: number, j: number) =>
    (i === n - 1 && j >= m - 1 - psi) || (j === m - 1 && i >= n - 1 - psi);
  const walk = (i: number, j: number, acc: number) => {
    if (!inBand(i, j, n, m, w)) return;
    const t = acc + localCost(a, b, i, j, opts.sq);
    if (isEnd(i, j) && t < best) best = t;
    if (i + 1 < n) walk(i + 1, j, t);
    if (j + 1 < m) walk(i, j + 1, t);
    if (i + 1 < n && j + 1 < m) walk(i + 1, j + 1, t);
  };
  for (let i = 0; i <= Math.min(psi, n - 1); i++) walk(i, 0, 0);
  for (let j = 1; j <= Math.min(psi, m - 1); j++) walk(0, j, 0);
  return opts.sq ? Math.sqrt(best) : best;
}

/** Full-matrix DP written independently of the engines (recursive definition, memoised). */
export function bruteMatrix(a: number[][], b: number[][], opts: BruteOptions = {}): number {
  const n = a.length;
  const m = b.length;
  const psi = opts.psi ?? 0;
  const w = opts.window ?? Number.POSITIVE_INFINITY;
  const memo = new Map<number, number>();
  const D = (i: number, j: number): number => {
    // D over data coordinates; (-1, x) and (x, -1) are the padded boundary
    if (i < 0 && j < 0) return 0;
    if (i < 0) return j + 1 <= psi ? 0 : Number.POSITIVE_INFINITY;
    if (j < 0) return i + 1 <= psi ? 0 : Number.POSITIVE_INFINITY;
    if (!inBand(i, j, n, m, w)) return Number.POSITIVE_INFINITY;
    const key = i * (m + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const v = localCost(a, b, i, j, opts.sq) + Math.min(D(i - 1, j - 1), D(i - 1, j), D(i, j - 1));
    memo.set(key, v);
    return v;
  };
  // fill row by row to keep recursion shallow
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) D(i, j);
  let best = D(n - 1, m - 1);
  for (let k = 1; k <= psi; k++) {
    if (m - 1 - k >= 0) best = Math.min(best, D(n - 1, m - 1 - k));
    if (n - 1 - k >= 0) best = Math.min(best, D(n - 1 - k, m - 1));
  }
  return opts.sq ? Math.sqrt(best) : best;
}
