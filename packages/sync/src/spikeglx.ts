import { open, stat } from "node:fs/promises";
import { readFailure, readFileOr } from "@neuropose/io/core";
import { Growable } from "./_growable.js";
import { SyncError } from "./errors.js";

/** The parts of a SpikeGLX `.meta` that edge extraction needs, plus every key as text. */
export interface SpikeGlxMeta {
  /** "nidq", "imec" or "obx" (OneBox). */
  stream: "nidq" | "imec" | "obx";
  /** Samples per second (`niSampRate`, `imSampRate` or `obSampRate`). */
  sampleRate: number;
  nSavedChans: number;
  fileSizeBytes: number;
  /** Acquired-channel indices that were saved, ascending (`snsSaveChanSubset`; "all" = every acquired one). */
  savedChannels: number[];
  /** Acquired digital word channels (nidq: after MN, MA, XA; obx: after XA). */
  digitalWords: number[];
  /** The acquired SY (sync) channel of an imec or OneBox stream, when there is one. */
  syncChannel: number | null;
  /** Every key = value of the file (keys starting with `~` included). */
  raw: Record<string, string>;
}

function metaError(source: string, key: string, message: string, hint: string): SyncError {
  return new SyncError("E_META", `${source}: ${key}: ${message}`, { path: source, place: key, hint });
}

function ints(source: string, raw: Record<string, string>, key: string, n: number): number[] {
  const v = raw[key];
  if (v === undefined)
    throw metaError(source, key, "missing", "the .meta file is incomplete: copy it again beside its .bin");
  const parts = v.split(",").map((x) => Number(x.trim()));
  if (parts.length !== n || parts.some((x) => !Number.isInteger(x) || x < 0)) {
    throw metaError(
      source,
      key,
      `expected ${n} comma-separated counts, found ${JSON.stringify(v)}`,
      "the .meta file is corrupted",
    );
  }
  return parts;
}

/**
 * Parse a SpikeGLX `.meta` text (NIDQ, imec or OneBox) and locate the digital word / sync channels.
 *
 * @example
 * ```ts
 * import { parseSpikeGlxMeta } from "@neuropose/sync";
 * const m = parseSpikeGlxMeta("typeThis=nidq\nniSampRate=2500\nnSavedChans=1\nfileSizeBytes=200\nsnsMnMaXaDw=0,0,0,1\nsnsSaveChanSubset=all\n", "x.meta");
 * console.log(m.sampleRate, m.digitalWords, m.savedChannels); // 2500 [0] [0]
 * ```
 */
export function parseSpikeGlxMeta(text: string, source = "meta"): SpikeGlxMeta {
  const raw: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const eq = line.indexOf("=");
    if (eq <= 0) {
      throw new SyncError(
        "E_META",
        `${source}: line ${i + 1}: ${JSON.stringify(line.slice(0, 40))} is not key=value`,
        {
          path: source,
          place: `line ${i + 1}`,
          hint: "this is not a SpikeGLX .meta file (or it is corrupted)",
        },
      );
    }
    raw[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  const type = raw.typeThis ?? (raw.niSampRate !== undefined ? "nidq" : undefined);
  if (type !== "nidq" && type !== "imec" && type !== "obx") {
    throw metaError(
      source,
      "typeThis",
      `unknown stream ${JSON.stringify(type)}`,
      "expected nidq, imec or obx (SpikeGLX 20190327 or later)",
    );
  }
  const rateKey = type === "nidq" ? "niSampRate" : type === "imec" ? "imSampRate" : "obSampRate";
  const num = (key: string): number => {
    const v = raw[key];
    const x = v === undefined ? Number.NaN : Number(v);
    if (!Number.isFinite(x) || x <= 0) {
      throw metaError(
        source,
        key,
        v === undefined ? "missing" : `not a positive number (${JSON.stringify(v)})`,
        "the .meta file is incomplete or corrupted: copy it again beside its .bin",
      );
    }
    return x;
  };
  const sampleRate = num(rateKey);
  const nSavedChans = num("nSavedChans");
  const fileSizeBytes = num("fileSizeBytes");
  let acquired: number;
  let digitalWords: number[] = [];
  let syncChannel: number | null = null;
  if (type === "nidq") {
    const [mn, ma, xa, dw] = ints(source, raw, "snsMnMaXaDw", 4) as [number, number, number, number];
    acquired = mn + ma + xa + dw;
    digitalWords = Array.from({ length: dw }, (_, i) => mn + ma + xa + i);
  } else if (type === "imec") {
    const [ap, lf, sy] = ints(source, raw, "snsApLfSy", 3) as [number, number, number];
    acquired = ap + lf + sy;
    syncChannel = sy > 0 ? ap + lf : null;
  } else {
    const [xa, dw, sy] = ints(source, raw, "snsXaDwSy", 3) as [number, number, number];
    acquired = xa + dw + sy;
    digitalWords = Array.from({ length: dw }, (_, i) => xa + i);
    syncChannel = sy > 0 ? xa + dw : null;
  }
  const subset = raw.snsSaveChanSubset ?? "all";
  let savedChannels: number[];
  if (subset === "all") savedChannels = Array.from({ length: acquired }, (_, i) => i);
  else {
    const set = new Set<number>();
    for (const part of subset.split(",")) {
      const m = /^\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(part);
      if (!m)
        throw metaError(
          source,
          "snsSaveChanSubset",
          `cannot read ${JSON.stringify(part)}`,
          "expected 'all' or ranges like 0:5,8",
        );
      const a = Number(m[1]);
      const b = m[2] === undefined ? a : Number(m[2]);
      for (let c = a; c <= b; c++) set.add(c);
    }
    savedChannels = [...set].sort((x, y) => x - y);
  }
  if (savedChannels.length !== nSavedChans) {
    throw new SyncError(
      "E_META_MISMATCH",
      `${source}: nSavedChans is ${nSavedChans} but snsSaveChanSubset (${subset}) and the channel counts give ${savedChannels.length}`,
      { path: source, place: "nSavedChans", hint: "the .meta was edited or belongs to another recording" },
    );
  }
  return {
    stream: type,
    sampleRate,
    nSavedChans,
    fileSizeBytes,
    savedChannels,
    digitalWords,
    syncChannel,
    raw,
  };
}

/**
 * Read and parse a `.meta` file (see {@link parseSpikeGlxMeta}).
 *
 * @example
 * ```ts
 * import { readSpikeGlxMeta } from "@neuropose/sync";
 * const m = await readSpikeGlxMeta("../shared/fixtures/ttl/spikeglx_DigitalChannelTest_g0/DigitalChannelTest_g0_t0.nidq.meta").catch(() => undefined);
 * console.log(m?.sampleRate); // prints 2500 when the fixture is present
 * ```
 */
export async function readSpikeGlxMeta(path: string): Promise<SpikeGlxMeta> {
  const text = await readFileOr(
    path,
    "utf8",
    (...f) => new SyncError("E_SYNC_READ", ...f),
    "a SpikeGLX .bin needs its .meta beside it (same name, .meta)",
  );
  if (text.trim() === "") {
    throw new SyncError("E_SYNC_EMPTY", `${path}: the .meta file is empty`, {
      path,
      place: "line 1",
      hint: "copy the .meta again from the acquisition computer",
    });
  }
  return parseSpikeGlxMeta(text, path);
}

/** Edges of one bit: sample indices and times (index / sampleRate, seconds from the file's first sample). */
export interface BitEdges {
  bit: number;
  rising: Float64Array;
  falling: Float64Array;
  risingSamples: Float64Array;
  fallingSamples: Float64Array;
}

export interface ChannelEdges {
  /** Index among the saved channels (column in the .bin). */
  channel: number;
  /** Acquired channel index. */
  acquired: number;
  bits: BitEdges[];
}

export interface DigitalEdges {
  sampleRate: number;
  nSamples: number;
  channels: ChannelEdges[];
}

export interface ExtractEdgesOptions {
  /**
   * Acquired channel indices to read. Default: the digital word channels (nidq, obx), or the SY channel (imec).
   * Use `meta.syncChannel` for a OneBox's SY channel.
   */
  channels?: number[];
  /** Bits per channel. Default: 0..8*niXDBytes1-1 for nidq words (16 when unknown), 6 for an imec SY channel, 0..15 otherwise. */
  bits?: number[];
  /** Bytes read per chunk (rounded down to whole samples); default 8 MiB. Memory stays at one chunk + the edges. */
  chunkBytes?: number;
  /** Called after each chunk with bytes read and the total. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** The .meta, when already parsed (default: read from the .bin's name with .meta). */
  meta?: SpikeGlxMeta;
  /** Stops the read between chunks (the signal's reason is thrown, e.g. an AbortError). */
  signal?: AbortSignal;
}

/**
 * The hot loop, kept small and monomorphic so V8 optimises it early: for `n` samples of one column, push the
 * sample index of every change of a masked bit to its rising/falling list. Returns the last masked word.
 */
function scanChunk(
  words: Int16Array,
  n: number,
  nChans: number,
  col: number,
  mask: number,
  prevIn: number,
  sample0: number,
  slot: Int8Array,
  rise: Growable[],
  fall: Growable[],
): number {
  let prev = prevIn;
  let i = 0;
  if (prev < 0) {
    prev = (words[col] as number) & mask;
    i = 1;
  }
  for (let p = i * nChans + col; i < n; i++, p += nChans) {
    const w = (words[p] as number) & mask;
    if (w === prev) continue;
    let changed = w ^ prev;
    while (changed !== 0) {
      const low = changed & -changed;
      const j = slot[31 - Math.clz32(low)] as number;
      if (w & low) (rise[j] as Growable).push(sample0 + i);
      else (fall[j] as Growable).push(sample0 + i);
      changed ^= low;
    }
    prev = w;
  }
  return prev;
}

function defaultBits(meta: SpikeGlxMeta, acquired: number): number[] {
  if (meta.stream === "imec" && acquired === meta.syncChannel) return [6];
  if (meta.stream === "nidq") {
    const bytes = Number(meta.raw.niXDBytes1);
    const n =
      Number.isInteger(bytes) && bytes > 0 && meta.digitalWords.length === 1 ? Math.min(16, 8 * bytes) : 16;
    return Array.from({ length: n }, (_, i) => i);
  }
  return Array.from({ length: 16 }, (_, i) => i);
}

/**
 * Extract rising and falling edges per bit of SpikeGLX digital channels (int16 words, little-endian), streamed in
 * chunks: a many-GB file is read once with flat memory. An edge is at sample i when the bit differs from sample
 * i-1 (numpy: `np.flatnonzero(np.diff(bit) == 1) + 1`); sample 0 is never an edge. Checks that the .bin matches
 * its .meta (`fileSizeBytes`, whole samples of `nSavedChans` channels) before reading.
 *
 * @example
 * ```ts
 * import { extractSpikeGlxEdges } from "@neuropose/sync";
 * const e = await extractSpikeGlxEdges("../shared/fixtures/ttl/spikeglx_DigitalChannelTest_g0/DigitalChannelTest_g0_t0.nidq.bin").catch(() => undefined);
 * console.log(e?.nSamples); // prints 406776 when the fixture is present
 * ```
 */
export async function extractSpikeGlxEdges(
  binPath: string,
  options: ExtractEdgesOptions = {},
): Promise<DigitalEdges> {
  const metaPath = binPath.replace(/\.bin$/i, ".meta");
  const meta = options.meta ?? (await readSpikeGlxMeta(metaPath));
  let size: number;
  try {
    size = (await stat(binPath)).size;
  } catch (e) {
    throw new SyncError("E_SYNC_READ", ...readFailure(binPath, e));
  }
  const frame = 2 * meta.nSavedChans;
  if (size === 0) {
    throw new SyncError("E_SYNC_EMPTY", `${binPath}: the .bin file is empty`, {
      path: binPath,
      place: "byte 0",
      hint: "the recording holds no sample: copy it again",
    });
  }
  if (size !== meta.fileSizeBytes) {
    const truncated = size < meta.fileSizeBytes;
    throw new SyncError(
      "E_META_MISMATCH",
      `${binPath}: ${truncated ? "truncated" : "longer than its .meta says"}: ${size} bytes, fileSizeBytes=${meta.fileSizeBytes}`,
      {
        path: binPath,
        place: `byte ${Math.min(size, meta.fileSizeBytes)} (fileSizeBytes)`,
        hint: truncated
          ? "the copy is incomplete: copy the .bin again"
          : "the .meta belongs to another recording",
      },
    );
  }
  if (size % frame !== 0) {
    throw new SyncError(
      "E_META_MISMATCH",
      `${binPath}: ${size} bytes is not a whole number of ${meta.nSavedChans}-channel int16 samples`,
      {
        path: binPath,
        place: "nSavedChans",
        hint: "nSavedChans in the .meta does not match the .bin",
      },
    );
  }
  const acquiredList =
    options.channels ??
    (meta.stream === "imec" ? (meta.syncChannel === null ? [] : [meta.syncChannel]) : meta.digitalWords);
  if (acquiredList.length === 0) {
    throw new SyncError("E_META", `${metaPath}: no digital word or sync channel in this stream`, {
      path: metaPath,
      place: meta.stream === "nidq" ? "snsMnMaXaDw" : meta.stream === "imec" ? "snsApLfSy" : "snsXaDwSy",
      hint: "record the digital lines (NI XD channels) or the sync channel in SpikeGLX",
    });
  }
  const cols = acquiredList.map((a) => {
    const col = meta.savedChannels.indexOf(a);
    if (col < 0) {
      throw new SyncError(
        "E_META",
        `${metaPath}: acquired channel ${a} was not saved (snsSaveChanSubset=${meta.raw.snsSaveChanSubset ?? "all"})`,
        {
          path: metaPath,
          place: "snsSaveChanSubset",
          hint: "choose a saved channel, or save the digital word in SpikeGLX",
        },
      );
    }
    return col;
  });
  const bitsPer = acquiredList.map((a) => options.bits ?? defaultBits(meta, a));
  const nChans = meta.nSavedChans;
  const nSamples = size / frame;
  const chunkSamples = Math.max(1, Math.floor((options.chunkBytes ?? 8 << 20) / frame));
  const buf = new Uint8Array(chunkSamples * frame);
  const words = new Int16Array(buf.buffer, 0, chunkSamples * nChans);
  const state = cols.map((_, k) => {
    const bits = bitsPer[k] as number[];
    let mask = 0;
    for (const b of bits) mask |= 1 << b;
    return {
      mask,
      bits,
      prev: -1,
      rise: bits.map(() => new Growable()),
      fall: bits.map(() => new Growable()),
      slot: new Int8Array(16).fill(-1).map((_, b) => bits.indexOf(b)),
    };
  });
  const fh = await open(binPath, "r");
  try {
    let sample = 0;
    while (sample < nSamples) {
      options.signal?.throwIfAborted();
      const n = Math.min(chunkSamples, nSamples - sample);
      const want = n * frame;
      let got = 0;
      while (got < want) {
        const r = await fh.read(buf, got, want - got, sample * frame + got);
        if (r.bytesRead === 0) {
          throw new SyncError(
            "E_META_MISMATCH",
            `${binPath}: file ended at byte ${sample * frame + got} while reading`,
            {
              path: binPath,
              place: `byte ${sample * frame + got}`,
              hint: "the file shrank while being read (still being copied?)",
            },
          );
        }
        got += r.bytesRead;
      }
      for (let k = 0; k < cols.length; k++) {
        const st = state[k] as (typeof state)[number];
        st.prev = scanChunk(
          words,
          n,
          nChans,
          cols[k] as number,
          st.mask,
          st.prev,
          sample,
          st.slot,
          st.rise,
          st.fall,
        );
      }
      sample += n;
      options.onProgress?.(sample * frame, size);
    }
  } finally {
    await fh.close();
  }
  const rate = meta.sampleRate;
  const toSeconds = (s: Float64Array) => s.map((x) => x / rate);
  return {
    sampleRate: rate,
    nSamples,
    channels: state.map((st, k) => ({
      channel: cols[k] as number,
      acquired: acquiredList[k] as number,
      bits: st.bits.map((bit, j) => {
        const risingSamples = (st.rise[j] as Growable).toArray();
        const fallingSamples = (st.fall[j] as Growable).toArray();
        return {
          bit,
          rising: toSeconds(risingSamples),
          falling: toSeconds(fallingSamples),
          risingSamples,
          fallingSamples,
        };
      }),
    })),
  };
}
