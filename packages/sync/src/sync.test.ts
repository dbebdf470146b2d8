import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isNeuroPoseError } from "@neuropose/io";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { caught as caughtError } from "../../../config/expect-error.js";
import { fixturePath, haveFixture } from "../../../config/fixtures.js";
import { alignTrialsToPulses } from "./align.js";
import { readCameraSsv } from "./camera-ssv.js";
import { SyncError } from "./errors.js";
import { extractSpikeGlxEdges, parseSpikeGlxMeta, readSpikeGlxMeta } from "./spikeglx.js";
import { checkCounts, detectDrops, drift, jitter } from "./stats.js";
import { mapClock, nominalTimebase, sampleTimes } from "./timebase.js";
import { parseTtlEdges, readTtlEdges } from "./ttl.js";

const tmp = () => mkdtempSync(join(tmpdir(), "np-sync-"));

const caught = (p: Promise<unknown> | (() => unknown)) => caughtError(SyncError, p);

describe("TTL edge files", () => {
  it("CRLF, LF, blank lines, no trailing newline, spaces", () => {
    expect(Array.from(parseTtlEdges("1\r\n\r\n 2.5 \r\n3e0\n\n4"))).toEqual([1, 2.5, 3, 4]);
  });
  it("streams a file whose lines straddle the 1 MiB read chunks, same values as the string parser", async () => {
    const lines = Array.from({ length: 120_000 }, (_, i) => (i * 0.0066667 + 2.796398).toFixed(6));
    const text = lines.join("\r\n");
    const dir = tmp();
    writeFileSync(join(dir, "edges.txt"), text);
    let progress = 0;
    const t = await readTtlEdges(join(dir, "edges.txt"), { onProgress: (b) => (progress = b) });
    expect(t.length).toBe(120_000);
    expect(Array.from(t)).toEqual(lines.map(Number));
    expect(progress).toBe(Buffer.byteLength(text));
  });
  it("property: every decimal line parses to exactly Number()'s double (the fast path is correctly rounded)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .tuple(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 20 }))
            .map(([x, k]) => x.toFixed(k)),
          fc.stringMatching(/^[+-]?\d{1,25}(\.\d{0,25})?$/),
          fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
        ),
        (s) => {
          expect(Object.is(parseTtlEdges(s)[0], Number(s)), s).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
  it("a non-numeric line is one error naming the file and the line", async () => {
    const dir = tmp();
    const f = join(dir, "bad.txt");
    writeFileSync(f, "1.0\r\n2.0\r\nNaN\r\n");
    const e = await caught(readTtlEdges(f));
    expect([e.code, e.path, e.place]).toEqual(["E_TTL_NUMBER", f, "line 3"]);
    expect(e.hint).toMatch(/one time in seconds per line/);
  });
  it("a time going backwards is one error with the line", async () => {
    const e = await caught(() => parseTtlEdges("1\n3\n2\n", { source: "x.txt" }));
    expect([e.code, e.place]).toEqual(["E_TTL_ORDER", "line 3"]);
  });
  it("an empty file is an error unless allowed; a missing file too", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "empty.txt"), "\r\n\r\n");
    expect((await caught(readTtlEdges(join(dir, "empty.txt")))).code).toBe("E_SYNC_EMPTY");
    expect((await readTtlEdges(join(dir, "empty.txt"), { allowEmpty: true })).length).toBe(0);
    expect((await caught(readTtlEdges(join(dir, "nope.txt")))).code).toBe("E_SYNC_READ");
  });
  it("a missing camera .ssv or SpikeGLX .meta is E_SYNC_READ naming the file (the .meta with its own hint)", async () => {
    const dir = tmp();
    const ssv = await caught(readCameraSsv(join(dir, "cam.timestamps.ssv")));
    expect([ssv.code, ssv.path, ssv.message]).toEqual([
      "E_SYNC_READ",
      join(dir, "cam.timestamps.ssv"),
      `${join(dir, "cam.timestamps.ssv")}: cannot read (ENOENT)`,
    ]);
    const meta = await caught(readSpikeGlxMeta(join(dir, "run_g0_t0.nidq.meta")));
    expect([meta.code, meta.path, meta.hint]).toEqual([
      "E_SYNC_READ",
      join(dir, "run_g0_t0.nidq.meta"),
      "a SpikeGLX .bin needs its .meta beside it (same name, .meta)",
    ]);
  });
});

/** A synthetic NIDQ recording: `analog` int16 channels of noise then one digital word per sample. */
function writeNidq(
  dir: string,
  words: ArrayLike<number>,
  opts: { analog?: number; rate?: number; meta?: Record<string, string> } = {},
) {
  const analog = opts.analog ?? 2;
  const n = analog + 1;
  const data = new Int16Array(words.length * n);
  for (let i = 0; i < words.length; i++) {
    for (let c = 0; c < analog; c++) data[i * n + c] = ((i * 7919 + c * 104729) % 65536) - 32768;
    data[i * n + analog] = words[i] as number;
  }
  const bin = join(dir, "rec_g0_t0.nidq.bin");
  writeFileSync(bin, new Uint8Array(data.buffer));
  const meta: Record<string, string> = {
    typeThis: "nidq",
    niSampRate: String(opts.rate ?? 25000),
    nSavedChans: String(n),
    fileSizeBytes: String(data.byteLength),
    snsMnMaXaDw: `0,0,${analog},1`,
    snsSaveChanSubset: "all",
    niXDBytes1: "2",
    ...opts.meta,
  };
  writeFileSync(
    bin.replace(/\.bin$/, ".meta"),
    Object.entries(meta)
      .map(([k, v]) => `${k}=${v}`)
      .join("\r\n"),
  );
  return bin;
}

/** Brute-force edges of one bit (the numpy definition). */
function bruteEdges(words: ArrayLike<number>, bit: number) {
  const rising: number[] = [];
  const falling: number[] = [];
  for (let i = 1; i < words.length; i++) {
    const a = ((words[i - 1] as number) >> bit) & 1;
    const b = ((words[i] as number) >> bit) & 1;
    if (b > a) rising.push(i);
    if (b < a) falling.push(i);
  }
  return { rising, falling };
}

describe("SpikeGLX NIDQ edges", () => {
  it("property: any words, any chunk size: edges per bit equal the brute-force definition, times = index / rate", async () => {
    const dir = tmp();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        async (words, chunkSamples) => {
          const bin = writeNidq(dir, words);
          const e = await extractSpikeGlxEdges(bin, { chunkBytes: chunkSamples * 6 });
          expect(e.nSamples).toBe(words.length);
          const ch = e.channels[0];
          expect(ch?.bits.map((b) => b.bit)).toEqual(Array.from({ length: 16 }, (_, i) => i));
          for (const b of ch?.bits ?? []) {
            const want = bruteEdges(words, b.bit);
            expect(Array.from(b.risingSamples)).toEqual(want.rising);
            expect(Array.from(b.fallingSamples)).toEqual(want.falling);
            expect(Array.from(b.rising)).toEqual(want.rising.map((i) => i / 25000));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
  it("an abort signal stops the read between chunks", async () => {
    const dir = tmp();
    const bin = writeNidq(
      dir,
      Array.from({ length: 1000 }, (_, i) => i & 1),
    );
    const ac = new AbortController();
    const p = extractSpikeGlxEdges(bin, { chunkBytes: 60, signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toThrow(/abort/i);
  });
  it("a saved-channel subset moves the digital word's column", async () => {
    const dir = tmp();
    const words = [0, 1, 1, 0, 1];
    const bin = writeNidq(dir, words, {
      analog: 1,
      meta: { snsMnMaXaDw: "0,0,3,1", snsSaveChanSubset: "1,3" },
    });
    const e = await extractSpikeGlxEdges(bin, { bits: [0] });
    expect([e.channels[0]?.channel, e.channels[0]?.acquired]).toEqual([1, 3]);
    expect(Array.from(e.channels[0]?.bits[0]?.risingSamples ?? [])).toEqual([1, 4]);
  });
  it("imec: the SY channel's bit 6 by default", async () => {
    const dir = tmp();
    const words = [0, 64, 64, 0, 64 | 1];
    const bin = writeNidq(dir, words, {
      analog: 2,
      meta: { typeThis: "imec", imSampRate: "30000", snsApLfSy: "2,0,1", niSampRate: "" },
    });
    const meta = parseSpikeGlxMeta(readFileSync(bin.replace(/\.bin$/, ".meta"), "utf8"));
    expect([meta.stream, meta.syncChannel]).toEqual(["imec", 2]);
    const e = await extractSpikeGlxEdges(bin);
    expect(e.channels[0]?.bits.map((b) => [b.bit, Array.from(b.risingSamples)])).toEqual([[6, [1, 4]]]);
  });
  it("OneBox: digital words after XA, the SY channel after them", () => {
    const m = parseSpikeGlxMeta(
      "typeThis=obx\nobSampRate=30303\nnSavedChans=3\nfileSizeBytes=600\nsnsXaDwSy=1,1,1\n",
      "ob.meta",
    );
    expect([m.stream, m.sampleRate, m.digitalWords, m.syncChannel]).toEqual(["obx", 30303, [1], 2]);
  });
  it("mismatched or broken meta / bin: one error each with file, place and hint", async () => {
    const dir = tmp();
    const words = Array.from({ length: 100 }, (_, i) => i % 3);
    const bin = writeNidq(dir, words);
    const meta = bin.replace(/\.bin$/, ".meta");
    const good = readFileSync(meta, "utf8");
    const cases: [string, string, string][] = [
      [good.replace(/fileSizeBytes=\d+/, "fileSizeBytes=12345"), "E_META_MISMATCH", "byte"],
      [good.replace(/nSavedChans=\d+/, "nSavedChans=4"), "E_META_MISMATCH", "nSavedChans"],
      [good.replace(/niSampRate=\d+/, "niSampRate=abc"), "E_META", "niSampRate"],
      [good.replace(/snsMnMaXaDw=[^\r\n]*/, "snsMnMaXaDw=0,0,2"), "E_META", "snsMnMaXaDw"],
      [good.replace(/snsSaveChanSubset=all/, "snsSaveChanSubset=0:1"), "E_META_MISMATCH", "nSavedChans"],
      [`${good}\r\nthis is not a meta line`, "E_META", "line"],
      ["", "E_SYNC_EMPTY", "line 1"],
    ];
    for (const [text, code, place] of cases) {
      writeFileSync(meta, text);
      const e = await caught(extractSpikeGlxEdges(bin));
      expect(e.code, text.slice(0, 30)).toBe(code);
      expect(e.place).toContain(place);
      expect(e.path).toBeTruthy();
      expect(e.hint).toBeTruthy();
    }
    writeFileSync(meta, good);
    // a truncated .bin (copy interrupted)
    const bytes = readFileSync(bin);
    writeFileSync(bin, bytes.subarray(0, bytes.length - 6));
    const t = await caught(extractSpikeGlxEdges(bin));
    expect([t.code, t.message]).toEqual(["E_META_MISMATCH", expect.stringContaining("truncated")]);
    writeFileSync(bin, new Uint8Array(0));
    expect((await caught(extractSpikeGlxEdges(bin))).code).toBe("E_SYNC_EMPTY");
  });
  it("fuzz: mutated fixture meta and bin bytes never fail with anything but a SyncError", async () => {
    const src = "ttl/spikeglx_DigitalChannelTest_g0/DigitalChannelTest_g0_t0.nidq";
    if (!haveFixture(`${src}.meta`)) return;
    const meta = readFileSync(fixturePath(`${src}.meta`), "utf8");
    const bin = readFileSync(fixturePath(`${src}.bin`)).subarray(0, 4000);
    const dir = tmp();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: meta.length - 1 }),
        fc.string({ maxLength: 6 }),
        fc.integer({ min: 0, max: bin.length }),
        async (at, insert, cut) => {
          const m =
            meta.slice(0, at) +
            insert +
            meta.slice(at + insert.length).replace(/fileSizeBytes=\d+/, "fileSizeBytes=4000");
          writeFileSync(join(dir, "f.nidq.meta"), m);
          writeFileSync(join(dir, "f.nidq.bin"), bin.subarray(0, cut));
          try {
            await extractSpikeGlxEdges(join(dir, "f.nidq.bin"));
          } catch (e) {
            expect(isNeuroPoseError(e), String(e)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
  it("fuzz: mutated TTL fixture text never fails with anything but a SyncError", () => {
    const f = "w2t-session/Session-000001/TTLs/session.nidq.xa_1_0_hitmiss.txt";
    if (!haveFixture(f)) return;
    const text = readFileSync(fixturePath(f), "latin1");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length }), fc.string({ maxLength: 4 }), (at, s) => {
        try {
          parseTtlEdges(text.slice(0, at) + s + text.slice(at));
        } catch (e) {
          expect(e).toBeInstanceOf(SyncError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Deterministic jitter in [-amp, amp] from an integer seed. */
const wobble = (i: number, amp: number) => (((i * 2654435761) % 1000) / 1000 - 0.5) * 2 * amp;

describe("statistics on synthetic clocks (property tests)", () => {
  it("drift: a known ppm and offset are recovered (to 1e-6 ppm without noise; within the jitter / baseline bound with 20 µs jitter)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.integer({ min: 200, max: 5000 }),
        fc.boolean(),
        (ppm, offset, n, noisy) => {
          const a = nominalTimebase(n, 150);
          const b = a.map((t, i) => offset + t * (1 + ppm * 1e-6) + (noisy ? wobble(i, 20e-6) : 0));
          const f = drift(a, b);
          // split pairs span half the recording: slope error <= 2·jitter / baseline
          const baseline = Math.floor(n / 2) / 150;
          const bound = noisy ? ((2 * 20e-6) / baseline) * 1e6 : 1e-6;
          expect(Math.abs(f.ppm - ppm)).toBeLessThan(bound);
          const duration = (n - 1) / 150;
          expect(Math.abs(f.intercept - offset)).toBeLessThan(noisy ? 20e-6 + bound * 1e-6 * duration : 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });
  it("drops and duplicates injected into a jittered pulse train are recovered exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 3000 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 2998 }), { maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 2998 }), { maxLength: 20 }),
        fc.double({ min: 30, max: 1000, noNaN: true }),
        (n, dropAt, dupAt, rate) => {
          const period = 1 / rate;
          const clean = Array.from({ length: n }, (_, i) => 3 + i * period + wobble(i, 0.1 * period));
          const drops = new Set(dropAt.filter((i) => i < n - 1));
          const dups = new Set(dupAt.filter((i) => i < n - 1 && !drops.has(i)));
          if (drops.size > n / 5) return;
          const kept: number[] = [];
          const dupIdx: number[] = [];
          clean.forEach((t, i) => {
            if (drops.has(i)) return;
            kept.push(t);
            if (dups.has(i)) {
              kept.push(t + 0.02 * period);
              dupIdx.push(kept.length - 1);
            }
          });
          const r = detectDrops(kept);
          expect(r.dropped).toBe(drops.size);
          expect(r.duplicates).toEqual(dupIdx);
          expect(r.expected).toBe(n);
          expect(checkCounts(n, kept.length - dupIdx.length, drops.size).ok).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
  it("jitter: max and p95 of |interval - period| (numpy's percentile rule)", () => {
    const t = [0, 0.1, 0.21, 0.3, 0.4, 0.5, 0.75, 0.85];
    const j = jitter(t, { period: 0.1 });
    expect(j.n).toBe(6); // the 0.25 s gap (a drop) is left out
    expect(j.max).toBeCloseTo(0.01, 12);
  });
});

describe("timebases and alignment", () => {
  it("sampleTimes / mapClock on known clocks", () => {
    const tb = nominalTimebase(5, 10, 1);
    const lin = Array.from(sampleTimes(tb, [0, 2.5, 4, 5], "linear"));
    for (const [i, want] of [1, 1.25, 1.4, 1.5].entries()) expect(lin[i]).toBeCloseTo(want, 12);
    expect(Array.from(sampleTimes(tb, [0, 2.4, 9], "nearest"))).toEqual([1, 1.2, Number.NaN]);
    const from = [0, 10, 20];
    const to = from.map((t) => 100 + t * 1.001);
    expect(
      Array.from(mapClock(from, to, [5, 15, 30], "linear")).map((x) => Math.round(x * 1e9) / 1e9),
    ).toEqual([105.005, 115.015, 130.03]);
    expect(() => mapClock([0, 1], [0], [0], "linear")).toThrow(SyncError);
  });
  it("property: trials align to the next unused pulse; offsets are the clock offset; unvisited trials take none", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        (visited, clockOffset, extra) => {
          const onsets = visited.map((v, i) => (v ? 10 * i + 3 : Number.NaN));
          const pulses = onsets.filter(Number.isFinite).map((t) => t + clockOffset);
          for (let k = 0; k < extra; k++) pulses.push(1e6 + k);
          const a = alignTrialsToPulses(onsets, pulses);
          let next = 0;
          visited.forEach((v, i) => {
            expect(a.pulseIndex[i]).toBe(v ? next++ : -1);
            if (v) expect(a.offset[i]).toBeCloseTo(clockOffset, 6);
            else expect(a.offset[i]).toBeNaN();
          });
          expect([a.unmatched, a.unusedPulses]).toEqual([0, extra]);
        },
      ),
    );
  });
  it("more synced trials than pulses: the rest are unmatched, reported", () => {
    const a = alignTrialsToPulses([1, 2, 3], [5]);
    expect([Array.from(a.pulseIndex), a.unmatched]).toEqual([[0, -1, -1], 2]);
  });
});
