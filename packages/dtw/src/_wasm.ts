// Loader and memory layout for the WebAssembly SIMD kernel (scripts/kernel.as.ts).
import { accBound, type CoreOptions, distanceJs, finish } from "./_cell-cost.js";
import { KERNEL_WASM_BASE64 } from "./_kernel-wasm.generated.js";
import type { Series } from "./_series.js";

// Minimal WebAssembly typings (the TypeScript lib used here has no DOM/WebAssembly declarations).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface KernelExports {
  memory: WasmMemory;
  distance(
    a: number,
    n: number,
    bp: number,
    m: number,
    d: number,
    sq: number,
    w: number,
    psi: number,
    bound: number,
    cost: number,
    rows: number,
    stride: number,
    carry: number,
  ): number;
}

let kernel: KernelExports | null | undefined;

/** The kernel, or null where WebAssembly SIMD is unavailable. */
export function getKernel(): KernelExports | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(KERNEL_WASM_BASE64), (ch) => ch.charCodeAt(0));
    if (!WA) throw new Error("no WebAssembly");
    const mod = new WA.Module(bytes);
    kernel = new WA.Instance(mod, {}).exports as unknown as KernelExports;
  } catch {
    kernel = null;
  }
  return kernel;
}

const align16 = (x: number): number => (x + 15) & ~15;

/**
 * Exact DTW distance on the WASM kernel. `a` becomes the rows and `b` the columns: pass the shorter series as
 * `b` for O(min(n, m)) working memory (besides the copies of the inputs).
 */
export function distanceWasm(k: KernelExports, a: Series, b: Series, o: CoreOptions): number {
  const n = a.length;
  const m = b.length;
  const d = a.dims;
  const aBytes = n * d * 8;
  const blocks = (m + 1) >> 1;
  const bBytes = blocks * d * 16;
  const costBytes = 8 * (m + 2) * 8;
  const rowBytes = (m + 1) * 8;
  const aOff = 0;
  const bOff = align16(aOff + aBytes);
  const cOff = align16(bOff + bBytes);
  const pOff = align16(cOff + costBytes);
  const stride = align16(rowBytes);
  const kOff = align16(pOff + 9 * stride);
  const total = kOff + 8 * 16;
  const mem = k.memory;
  if (mem.buffer.byteLength < total) {
    try {
      mem.grow(Math.ceil((total - mem.buffer.byteLength) / 65536));
    } catch {
      // beyond the 4 GiB of 32-bit WebAssembly memory: the JavaScript engine gives the same numbers
      return distanceJs(a, b, o);
    }
  }
  const f = new Float64Array(mem.buffer);
  f.set(a.data.subarray(0, n * d), aOff / 8);
  // b as blocks of two frames interleaved per dimension
  const bd = b.data;
  const base = bOff / 8;
  for (let p = 0; p < blocks; p++) {
    const j0 = 2 * p;
    const j1 = j0 + 1 < m ? j0 + 1 : j0;
    const o0 = j0 * d;
    const o1 = j1 * d;
    const dst = base + p * 2 * d;
    for (let kk = 0; kk < d; kk++) {
      f[dst + 2 * kk] = bd[o0 + kk] as number;
      f[dst + 2 * kk + 1] = bd[o1 + kk] as number;
    }
  }
  const bound = accBound(o);
  const w = o.window === Number.POSITIVE_INFINITY || o.window >= n + m ? -1 : o.window;
  const acc = k.distance(
    aOff,
    n,
    bOff,
    m,
    d,
    o.cost === "sqeuclidean" ? 1 : 0,
    w,
    o.psi,
    bound,
    cOff,
    pOff,
    stride,
    kOff,
  );
  const out = finish(acc, o.cost);
  return out > o.maxDist ? Number.POSITIVE_INFINITY : out;
}
