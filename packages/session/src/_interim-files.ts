// The interim outputs' file formats: streamed JSON with typed arrays (the QC input), per-frame timestamp CSVs,
// facial-metric CSVs read back for a cached stage; all written through io's atomic streamed writer.
import { writeFileAtomicStreamed } from "@neuropose/io";

/** A number as a CSV cell (non-finite values as `NaN`, as pandas writes them). */
export const csvNumber = (v: number) => (Number.isFinite(v) ? String(v) : "NaN");

/**
 * JSON with typed arrays written as arrays (non-finite numbers as strings, as `renderSessionQc` reads them back),
 * atomically and streamed: each typed array is written in blocks, so an hour of per-frame values never becomes
 * one giant string (JSON.stringify of the QC input of a 60 min session peaked at ~180 MB).
 */
export async function writeJsonStreamed(file: string, value: unknown): Promise<void> {
  const arrays: ArrayLike<number>[] = [];
  const skeleton = JSON.stringify(value, (_k, v) => {
    if (ArrayBuffer.isView(v)) {
      arrays.push(v as unknown as ArrayLike<number>);
      return `\u0000${arrays.length - 1}\u0000`;
    }
    return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  });
  const parts = skeleton.split(/"\\u0000(\d+)\\u0000"/);
  await writeFileAtomicStreamed(file, async (write) => {
    for (let p = 0; p < parts.length; p++) {
      if (p % 2 === 0) {
        await write(parts[p] as string);
        continue;
      }
      const a = arrays[Number(parts[p])] as ArrayLike<number>;
      await write("[");
      for (let start = 0; start < a.length; start += 16_384) {
        const cells: string[] = [];
        for (let i = start; i < Math.min(a.length, start + 16_384); i++) {
          const x = a[i] as number;
          cells.push(Number.isFinite(x) ? String(x) : `"${x}"`);
        }
        await write((start ? "," : "") + cells.join(","));
      }
      await write("]");
    }
    await write("\n");
  });
}

/** `timestamps_<camera>.csv`, written atomically in blocks of 16k rows (memory stays flat in session length). */
export async function writeTimestampsCsv(file: string, timestamps: Float64Array): Promise<void> {
  await writeFileAtomicStreamed(file, async (write) => {
    await write("frame_index,timestamp\n");
    for (let start = 0; start < timestamps.length; start += 16_384) {
      const rows: string[] = [];
      for (let i = start; i < Math.min(timestamps.length, start + 16_384); i++)
        rows.push(`${i},${csvNumber(timestamps[i] as number)}\n`);
      await write(rows.join(""));
    }
  });
}

/** A facial-metrics CSV (time + one column per metric) back as columns, NaN kept. */
export function readMetricsCsv(text: string): Map<string, Float64Array> {
  const lines = text.trim().split("\n");
  const names = (lines[0] as string).split(",").slice(1);
  const cols = names.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(",");
    for (let k = 0; k < names.length; k++) (cols[k] as Float64Array)[i - 1] = Number(cells[k + 1]);
  }
  return new Map(names.map((nm, k) => [nm, cols[k] as Float64Array]));
}

/** The parts one after another in one array (TTL files of one line, motion energy of a camera's files). */
export function concatFloat64(parts: readonly Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0] as Float64Array;
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}
