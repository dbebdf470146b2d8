// The shared output folder of a queued job: `<out>/<job id>/` with `.parts/<video>.json` while it runs,
// `results.json` (JobResults) and `receipt.json` (job id + input hashes + who ran it) once complete. The receipt
// is created exclusively (link), after results.json, so it exists only over a complete result.
import { link, mkdir, open, readFile, rm, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { assembleJobResults } from "@neuropose/jobs";
import { z } from "zod";
import type { QueueJobData } from "./job-data.js";

export const RECEIPT_VERSION = 1;

export const ReceiptSchema = z.strictObject({
  schema_version: z.literal(RECEIPT_VERSION),
  job_id: z.string(),
  key: z.string(),
  /** What was analysed: each input's SHA-256 (a URL input's as downloaded; its URL without credentials or query). */
  inputs: z.array(z.strictObject({ name: z.string(), sha256: z.string(), url: z.string().optional() })),
  results_path: z.string(),
  worker: z.strictObject({ host: z.string(), pid: z.int(), provider: z.string() }),
  completed_at: z.string(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export const jobDirOf = (data: QueueJobData, id: string) => join(data.out_dir, id);
export const partPathOf = (dir: string, video: string) => join(dir, ".parts", `${video}.json`);

const tmpName = (dir: string, base: string) =>
  join(dir, `.${base}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);

/**
 * The receipt when it is complete for exactly this job id and key and its results.json is there, else undefined
 * (two deliveries of one job racing after a Redis restart can leave a receipt in a folder the other reset).
 */
export async function readReceipt(dir: string, id: string, key: string): Promise<Receipt | undefined> {
  try {
    const r = ReceiptSchema.parse(JSON.parse(await readFile(join(dir, "receipt.json"), "utf8")));
    if (r.job_id !== id || r.key !== key) return undefined;
    await stat(join(dir, "results.json"));
    return r;
  } catch {
    return undefined;
  }
}

export async function resetDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, ".parts"), { recursive: true });
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

/** results.json from the per-video documents (jobs' one assembler: temp, fsync, rename); then drops `.parts/`. */
export async function stitchResults(dir: string, videos: readonly string[]): Promise<string> {
  const target = join(dir, "results.json");
  await assembleJobResults(
    target,
    videos.map((name) => ({ name, path: partPathOf(dir, name) })),
  );
  await rm(join(dir, ".parts"), { recursive: true, force: true });
  return target;
}

/** Creates receipt.json exclusively; false when another worker's receipt is already there. */
export async function writeReceipt(dir: string, receipt: Receipt): Promise<boolean> {
  const tmp = tmpName(dir, "receipt.json");
  const fh = await open(tmp, "wx");
  try {
    await fh.write(`${JSON.stringify(receipt, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, join(dir, "receipt.json"));
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

export const workerHost = () => hostname();
