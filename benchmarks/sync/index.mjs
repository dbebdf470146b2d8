// @neuropose/sync speed and memory: SpikeGLX NIDQ digital-edge extraction (streamed, built package) on a
// synthetic recording written to a temp folder, beside numpy doing the same edges in the same run (Debian's
// /usr/bin/python3; np.memmap read in chunks, XOR of neighbouring words, np.flatnonzero per bit); plus TTL edge
// text files (readTtlEdges vs np.loadtxt). Each side runs in its own child process so that its peak RSS is its own.
// `node benchmarks/sync/index.mjs [--quick] [--gb | --mb N]` (default 256 MB, --quick 32 MB, --gb 1 GiB).
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const mbArg = args.indexOf("--mb");
const MB = args.includes("--gb")
  ? 1024
  : mbArg >= 0
    ? Number(args[mbArg + 1])
    : args.includes("--quick")
      ? 32
      : 256;
const RATE = 25000;
const CHANS = 9; // 8 analog + 1 digital word, a common NIDQ layout
const PY = "/usr/bin/python3";

const dir = mkdtempSync(join(tmpdir(), "np-bench-sync-"));
const bin = join(dir, "synthetic_g0_t0.nidq.bin");
try {
  // --- write the synthetic recording in 8 MiB slices (the generator's memory stays flat too)
  const frame = 2 * CHANS;
  const nSamples = Math.floor((MB * 1024 * 1024) / frame);
  const slice = Math.floor((8 << 20) / frame);
  const fd = openSync(bin, "w");
  const words = new Int16Array(slice * CHANS);
  let seed = 3;
  for (let s0 = 0; s0 < nSamples; s0 += slice) {
    const n = Math.min(slice, nSamples - s0);
    for (let i = 0; i < n; i++) {
      const s = s0 + i;
      for (let c = 0; c < CHANS - 1; c++) words[i * CHANS + c] = (s * 31 + c * 977) & 0x7fff;
      const camera = Math.floor((s * 150 * 2) / RATE) & 1; // 150 Hz square wave on bit 0
      const second = Math.floor(s / RATE) & 1; // 0.5 Hz on bit 1
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const lick = seed < 2147483648 / 5000 ? 4 : 0; // random 1-sample blips on bit 2
      words[i * CHANS + CHANS - 1] = camera | (second << 1) | lick;
    }
    writeSync(fd, new Uint8Array(words.buffer, 0, n * frame));
  }
  closeSync(fd);
  const bytes = nSamples * frame;
  writeFileSync(
    bin.replace(/\.bin$/, ".meta"),
    [
      "typeThis=nidq",
      `niSampRate=${RATE}`,
      `nSavedChans=${CHANS}`,
      `fileSizeBytes=${bytes}`,
      `snsMnMaXaDw=0,0,${CHANS - 1},1`,
      "snsSaveChanSubset=all",
      "niXDBytes1=1",
    ].join("\n"),
  );
  console.log(
    `SpikeGLX NIDQ edges: ${(bytes / 1e6).toFixed(0)} MB, ${CHANS} channels at ${RATE} Hz, bits 0-7 of the digital word`,
  );

  // --- ours, in a child node process
  const ours = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { extractSpikeGlxEdges } from "@neuropose/sync";
       const t0 = performance.now();
       const e = await extractSpikeGlxEdges(${JSON.stringify(bin)});
       const s = (performance.now() - t0) / 1000;
       const counts = e.channels[0].bits.map((b) => b.rising.length + b.falling.length);
       console.log(JSON.stringify({ s, counts, maxRssKb: process.resourceUsage().maxRSS }));`,
    ],
    { encoding: "utf8", cwd: new URL(".", import.meta.url).pathname },
  );
  if (ours.status !== 0) throw new Error(ours.stderr);
  const o = JSON.parse(ours.stdout.trim().split("\n").pop());
  const line = (name, r) =>
    `  ${name}: ${r.s.toFixed(2)} s, ${(bytes / 1e6 / r.s).toFixed(0)} MB/s, peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB`;
  console.log(line("@neuropose/sync extractSpikeGlxEdges", o));

  // --- numpy, same file, same edges
  if (!existsSync(PY)) {
    console.log(`  numpy: skipped (${PY} not found; install python3-numpy to compare)`);
  } else {
    const py = spawnSync(
      PY,
      [
        "-c",
        `
import json, resource, sys, time
try:
    import numpy as np
except ImportError:
    print(json.dumps({"skip": "numpy not installed"})); sys.exit(0)
t0 = time.perf_counter()
raw = np.memmap(${JSON.stringify(bin)}, dtype="<i2", mode="r").reshape(-1, ${CHANS})
n = raw.shape[0]
step = ${Math.floor((8 << 20) / frame)}
counts = [0] * 8
prev = None
for s0 in range(0, n, step):
    w = np.asarray(raw[s0:s0 + step, ${CHANS - 1}]).astype(np.int32) & 0xFF
    if prev is not None:
        w = np.concatenate(([prev], w))
    ch = w[1:] ^ w[:-1]
    idx = np.flatnonzero(ch)
    for b in range(8):
        counts[b] += int(np.count_nonzero((ch[idx] >> b) & 1))
    prev = w[-1]
s = time.perf_counter() - t0
print(json.dumps({"s": s, "counts": counts, "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`,
      ],
      { encoding: "utf8" },
    );
    const p =
      py.status === 0 ? JSON.parse(py.stdout.trim().split("\n").pop()) : { skip: py.stderr.slice(0, 200) };
    if (p.skip) console.log(`  numpy: skipped (${p.skip})`);
    else {
      console.log(line(`numpy ${"(chunked memmap)"}`, p));
      const same = JSON.stringify(p.counts) === JSON.stringify(o.counts);
      console.log(
        `  ratio numpy time / ours: ${(p.s / o.s).toFixed(2)}; edge counts ${same ? "identical" : `DIFFER: ${o.counts} vs ${p.counts}`}`,
      );
    }
  }

  // --- TTL edge text files
  const ttl = join(dir, "edges.txt");
  const nLines = MB >= 1024 ? 5_000_000 : 1_000_000;
  const fdt = openSync(ttl, "w");
  let text = "";
  for (let i = 0; i < nLines; i++) {
    text += `${(2.796398 + i / 149.99713).toFixed(6)}${i === nLines - 1 ? "" : "\r\n"}`;
    if (text.length > 1 << 20) {
      writeSync(fdt, text);
      text = "";
    }
  }
  writeSync(fdt, text);
  closeSync(fdt);
  const tOurs = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { readTtlEdges } from "@neuropose/sync";
       const t0 = performance.now(); const e = await readTtlEdges(${JSON.stringify(ttl)});
       console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, n: e.length, maxRssKb: process.resourceUsage().maxRSS }));`,
    ],
    { encoding: "utf8", cwd: new URL(".", import.meta.url).pathname },
  );
  if (tOurs.status !== 0) throw new Error(tOurs.stderr);
  const to = JSON.parse(tOurs.stdout.trim());
  const { size } = await import("node:fs").then((fs) => fs.statSync(ttl));
  console.log(`TTL edge file: ${nLines} lines, ${(size / 1e6).toFixed(1)} MB (CRLF)`);
  console.log(
    line("@neuropose/sync readTtlEdges", to).replace(
      `${(bytes / 1e6 / to.s).toFixed(0)} MB/s`,
      `${(size / 1e6 / to.s).toFixed(0)} MB/s`,
    ),
  );
  if (existsSync(PY)) {
    const tp = spawnSync(
      PY,
      [
        "-c",
        `import json, resource, time
import numpy as np
t0 = time.perf_counter(); a = np.loadtxt(${JSON.stringify(ttl)}, dtype=np.float64)
print(json.dumps({"s": time.perf_counter() - t0, "n": int(a.size), "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))`,
      ],
      { encoding: "utf8" },
    );
    if (tp.status === 0) {
      const p = JSON.parse(tp.stdout.trim());
      console.log(
        `  numpy.loadtxt: ${p.s.toFixed(2)} s, ${(size / 1e6 / p.s).toFixed(0)} MB/s, peak RSS ${(p.maxRssKb / 1024).toFixed(0)} MB`,
      );
      console.log(
        `  ratio numpy time / ours: ${(p.s / to.s).toFixed(2)}; counts ${p.n === to.n ? "identical" : `DIFFER ${to.n} vs ${p.n}`}`,
      );
    } else console.log(`  numpy.loadtxt: skipped (${tp.stderr.slice(0, 120)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
