// One frame's numbers in reused typed arrays (no JS array per person or joint), and the byte-level JSON readers
// that fill it: `scanNumber` (a JSON number → exactly JSON.parse's double) and `parseTypedFrame` (a frame object
// of plain number arrays). Hand-written for speed (AGENTS.md: our speed; see _predictions-file.ts for the numbers).
import type { FramePrediction } from "@neuropose/io";

/** `parseTypedFrame` / `scanNumber` results other than a position. */
export const FAIL = -1; // not a plain frame of numbers (the caller falls back to JSON.parse + io's check)
export const NEED = -2; // the buffer ends inside the value (the caller reads on and retries)

/** Nested number arrays of a fixed depth (1..3): values and, per level, where each item's children start. */
export class Ragged {
  present = false;
  values = new Float64Array(256);
  /** Items per level; level depth-1 are the numbers. */
  readonly count: number[];
  /** `starts[k][i]`: index in level k+1 of item i's first child (plus a sentinel at `count[k]`). */
  readonly starts: Int32Array[];
  constructor(readonly depth: number) {
    this.count = new Array(depth).fill(0);
    this.starts = Array.from({ length: depth - 1 }, () => new Int32Array(64));
  }
  reset(): void {
    this.present = false;
    this.count.fill(0);
  }
  push(v: number): void {
    const k = this.depth - 1;
    const c = this.count[k] as number;
    if (c === this.values.length) {
      const a = new Float64Array(c * 2);
      a.set(this.values);
      this.values = a;
    }
    this.values[c] = v;
    this.count[k] = c + 1;
  }
  /** An item of level `k` (< depth-1) opens: its children start at level k+1's current count. */
  open(k: number): void {
    const c = this.count[k] as number;
    let s = this.starts[k] as Int32Array;
    if (c + 1 >= s.length) {
      const a = new Int32Array(s.length * 2);
      a.set(s);
      this.starts[k] = a;
      s = a;
    }
    s[c] = this.count[k + 1] as number;
    this.count[k] = c + 1;
  }
  /** Write the sentinels (after parsing). */
  close(): void {
    for (let k = 0; k < this.depth - 1; k++)
      (this.starts[k] as Int32Array)[this.count[k] as number] = this.count[k + 1] as number;
  }
  /** Items of the top array. */
  get length(): number {
    return this.count[0] as number;
  }
  /** Children of item i of level k. */
  size(k: number, i: number): number {
    const s = this.starts[k] as Int32Array;
    return (s[i + 1] as number) - (s[i] as number);
  }
  /** Index in level k+1 of item i's first child. */
  first(k: number, i: number): number {
    return (this.starts[k] as Int32Array)[i] as number;
  }
  /** Fill from a (checked) JS array of the same depth. */
  fromArray(a: readonly unknown[]): void {
    this.reset();
    this.present = true;
    const walk = (x: readonly unknown[], k: number) => {
      for (const item of x) {
        if (k === this.depth - 1) this.push(item as number);
        else {
          this.open(k);
          walk(item as unknown[], k + 1);
        }
      }
    };
    walk(a, 0);
    this.close();
  }
  /** Back to nested JS arrays (tests). */
  toArray(): unknown[] {
    const build = (k: number, from: number, to: number): unknown[] => {
      const out: unknown[] = [];
      for (let i = from; i < to; i++)
        out.push(
          k === this.depth - 1 ? this.values[i] : build(k + 1, this.first(k, i), this.first(k, i + 1)),
        );
      return out;
    };
    return build(0, 0, this.length);
  }
}

/** The fields of a frame (io's FramePredictionSchema) and their nesting depth, in schema order. */
export const FIELDS = [
  ["boxes", 2],
  ["poses3d", 3],
  ["poses2d", 3],
  ["visibility", 2],
  ["presence", 2],
  ["person_ids", 1],
  ["pose_presence", 1],
  ["view_quality", 1],
] as const;
type FieldName = (typeof FIELDS)[number][0];
const FIELD_BYTES = FIELDS.map(([name]) => Buffer.from(name, "latin1"));

/** One frame as typed arrays; reused from frame to frame. */
export class TypedFrame {
  readonly fields: Ragged[] = FIELDS.map(([, d]) => new Ragged(d));
  readonly boxes = this.fields[0] as Ragged;
  readonly poses3d = this.fields[1] as Ragged;
  readonly poses2d = this.fields[2] as Ragged;
  readonly visibility = this.fields[3] as Ragged;
  readonly presence = this.fields[4] as Ragged;
  readonly personIds = this.fields[5] as Ragged;
  readonly posePresence = this.fields[6] as Ragged;
  readonly viewQuality = this.fields[7] as Ragged;
  reset(): void {
    for (const f of this.fields) f.reset();
  }
  /** Fill from a frame io's check returned. */
  fromFrame(fr: FramePrediction): this {
    this.reset();
    FIELDS.forEach(([name], k) => {
      const v = (fr as Record<string, unknown>)[name];
      if (v !== undefined) (this.fields[k] as Ragged).fromArray(v as unknown[]);
    });
    return this;
  }
  /** Back to a frame object (tests). */
  toFrame(): FramePrediction {
    const out: Record<string, unknown> = {};
    FIELDS.forEach(([name], k) => {
      const f = this.fields[k] as Ragged;
      if (f.present) out[name as FieldName] = f.toArray();
    });
    return out as unknown as FramePrediction;
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** The value of the last number `scanNumber` read. */
export let numberValue = 0;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Read the JSON number at `b[i]` into `numberValue`, exactly the double JSON.parse gives (incl. -0). Returns the
 * position after it, FAIL when the bytes are not a JSON number, or NEED when the buffer ends before the number
 * does. Up to 15 significant digits and a decimal exponent within ±22 take Clinger's fast path: the digits are an
 * exact integer m < 2^53 and 10^e is exact, so one multiplication or division rounds once, correctly; any other
 * number (rare in files neuropose-infer writes, which round to 3-5 decimals) goes through `Number()` of its text.
 */
export function scanNumber(b: Buffer, i: number, n: number): number {
  const start = i;
  let neg = false;
  if (b[i] === 0x2d) {
    neg = true;
    i++;
    if (i >= n) return NEED;
  }
  let c = b[i] as number;
  let m = 0;
  let sig = 0;
  let frac = 0;
  let slow = false;
  if (c === 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) {
    for (; i < n; i++) {
      c = b[i] as number;
      if (!isDigit(c)) break;
      if (sig < 15) {
        m = m * 10 + (c - 0x30);
        sig++;
      } else slow = true;
    }
  } else return FAIL;
  if (i >= n) return NEED;
  c = b[i] as number;
  if (c === 0x2e) {
    i++;
    if (i >= n) return NEED;
    if (!isDigit(b[i] as number)) return FAIL;
    for (; i < n; i++) {
      c = b[i] as number;
      if (!isDigit(c)) break;
      const d = c - 0x30;
      if (!slow) {
        if (m === 0 && d === 0) frac++;
        else if (sig < 15) {
          m = m * 10 + d;
          sig++;
          frac++;
        } else slow = true;
      }
    }
    if (i >= n) return NEED;
    c = b[i] as number;
  }
  let e10 = -frac;
  if (c === 0x65 || c === 0x45) {
    i++;
    if (i >= n) return NEED;
    c = b[i] as number;
    let eneg = false;
    if (c === 0x2b || c === 0x2d) {
      eneg = c === 0x2d;
      i++;
      if (i >= n) return NEED;
    }
    if (!isDigit(b[i] as number)) return FAIL;
    let e = 0;
    for (; i < n; i++) {
      c = b[i] as number;
      if (!isDigit(c)) break;
      if (e < 100000) e = e * 10 + (c - 0x30);
    }
    if (i >= n) return NEED;
    e10 += eneg ? -e : e;
  }
  if (!slow && e10 >= -22 && e10 <= 22) {
    const v = e10 >= 0 ? m * (POW10[e10] as number) : m / (POW10[-e10] as number);
    numberValue = neg ? -v : v;
  } else {
    // a substring of the buffer's text, decoded once per buffer fill (a string per number cost ~4x the parse)
    if (textOf !== b || text.length < i) {
      text = b.toString("latin1", 0, n);
      textOf = b;
    }
    numberValue = Number(text.substring(start, i));
  }
  return i;
}

let text = "";
let textOf: Buffer | undefined;
/**
 * Call when the bytes of a buffer given to `scanNumber` change (the buffer is refilled): numbers outside the fast
 * path are read from one latin1 string of the buffer, decoded on first need after each call.
 */
export function bufferRefilled(): void {
  textOf = undefined;
  text = "";
}

const ws = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Set by `afterItem`: the array or object was closed. */
let closed = false;

/**
 * After an item of an array or object: whitespace, then `close` (sets `closed`, returns the position after it) or
 * a comma and whitespace (returns where the next item starts); FAIL or NEED otherwise.
 */
function afterItem(b: Buffer, i: number, n: number, close: number): number {
  while (i < n && ws(b[i] as number)) i++;
  if (i >= n) return NEED;
  const c = b[i] as number;
  closed = c === close;
  if (closed) return i + 1;
  if (c !== 0x2c) return FAIL;
  i++;
  while (i < n && ws(b[i] as number)) i++;
  return i < n ? i : NEED;
}

/** The array of depth `r.depth - k` at `b[i]` (a '[') into `r`; returns the position after it, FAIL or NEED. */
function parseArray(b: Buffer, i: number, n: number, r: Ragged, k: number): number {
  i++;
  while (i < n && ws(b[i] as number)) i++;
  if (i >= n) return NEED;
  if (b[i] === 0x5d) return i + 1;
  const leaf = k === r.depth - 1;
  for (;;) {
    if (leaf) {
      i = scanNumber(b, i, n);
      if (i < 0) return i;
      r.push(numberValue);
    } else {
      if (b[i] !== 0x5b) return FAIL;
      r.open(k);
      i = parseArray(b, i, n, r, k + 1);
      if (i < 0) return i;
    }
    i = afterItem(b, i, n, 0x5d);
    if (i < 0 || closed) return i;
  }
}

/** Index in FIELDS of the key b[from..to) (without quotes), or -1. */
function fieldOf(b: Uint8Array, from: number, to: number): number {
  const len = to - from;
  for (let f = 0; f < FIELD_BYTES.length; f++) {
    const name = FIELD_BYTES[f] as Buffer;
    if (name.length !== len) continue;
    let k = 0;
    while (k < len && name[k] === b[from + k]) k++;
    if (k === len) return f;
  }
  return -1;
}

/**
 * The frame object at `b[i]` (a '{') into `t`, when it holds only known fields of plain number arrays (each
 * field once). Returns the position after its closing brace, FAIL (anything else: the caller parses the frame
 * with JSON.parse) or NEED (the buffer ends inside the frame).
 */
export function parseTypedFrame(b: Buffer, i: number, n: number, t: TypedFrame): number {
  t.reset();
  i++;
  while (i < n && ws(b[i] as number)) i++;
  if (i >= n) return NEED;
  if (b[i] === 0x7d) return i + 1;
  for (;;) {
    if (b[i] !== 0x22) return FAIL;
    const from = i + 1;
    let j = from;
    while (j < n && b[j] !== 0x22 && b[j] !== 0x5c) j++;
    if (j >= n) return NEED;
    if (b[j] !== 0x22) return FAIL; // an escape in a key: not one of ours
    const f = fieldOf(b, from, j);
    if (f < 0) return FAIL;
    const r = t.fields[f] as Ragged;
    if (r.present) return FAIL; // a repeated key (JSON.parse keeps the last)
    r.present = true;
    i = j + 1;
    while (i < n && ws(b[i] as number)) i++;
    if (i >= n) return NEED;
    if (b[i] !== 0x3a) return FAIL;
    i++;
    while (i < n && ws(b[i] as number)) i++;
    if (i >= n) return NEED;
    if (b[i] !== 0x5b) return FAIL;
    i = parseArray(b, i, n, r, 0);
    if (i < 0) return i;
    r.close();
    i = afterItem(b, i, n, 0x7d);
    if (i < 0 || closed) return i;
  }
}

/** Every value of a depth-1 or depth-2 field in 0..1. */
function units(r: Ragged): boolean {
  const v = r.values;
  const c = r.count[r.depth - 1] as number;
  for (let i = 0; i < c; i++) {
    const x = v[i] as number;
    if (!(x >= 0 && x <= 1)) return false;
  }
  return true;
}

/**
 * True when io's frame check accepts this parsed frame as it is (the typed form of its plain-loop check: the
 * required lists, per-person lengths, probabilities in 0..1, ids non-negative safe integers). A frame this
 * returns false for is checked by io itself, which accepts it or names the problem.
 */
export function plainFrameValid(t: TypedFrame): boolean {
  if (!t.boxes.present || !t.poses3d.present || !t.poses2d.present) return false;
  const persons = t.poses3d.length;
  for (const r of [t.visibility, t.presence]) {
    if (!r.present) continue;
    if (r.length !== persons || !units(r)) return false;
    for (let p = 0; p < persons; p++) if (r.size(0, p) !== t.poses3d.size(0, p)) return false;
  }
  if (t.personIds.present) {
    if (t.personIds.length !== persons) return false;
    for (let p = 0; p < persons; p++) {
      const id = t.personIds.values[p] as number;
      if (!(Number.isSafeInteger(id) && id >= 0)) return false;
    }
  }
  for (const r of [t.posePresence, t.viewQuality])
    if (r.present && (r.length !== persons || !units(r))) return false;
  return true;
}
