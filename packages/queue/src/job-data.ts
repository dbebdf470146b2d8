// What a queued job carries (zod, versioned): where its inputs are on shared storage, their hashes (the job's
// identity for idempotent results) and where its results go. Never a credential.
import { createHash } from "node:crypto";
import { z } from "zod";

/** Version of {@link QueueJobDataSchema}. */
export const QUEUE_JOB_DATA_VERSION = 1;

/**
 * One input video as submitted: a file on shared storage (`path`, hashed at submission: `sha256`, `bytes`) or an
 * http(s) `url` the worker downloads (its hash is recorded in the result's receipt). Exactly one of `path`/`url`.
 *
 * @example
 * ```ts
 * import { QueueInputSchema } from "@neuropose/queue";
 * console.log(QueueInputSchema.safeParse({ name: "a.mp4", path: "/s/a.mp4", sha256: "0".repeat(64), bytes: 1 }).success); // true
 * console.log(QueueInputSchema.safeParse({ name: "b.mp4", url: "https://lab.example/b.mp4" }).success); // true
 * console.log(QueueInputSchema.safeParse({ name: "c.mp4", path: "/s/c.mp4" }).success); // false
 * ```
 */
export const QueueInputSchema = z
  .strictObject({
    /** Name in results.json (the file's basename). */
    name: z.string().min(1),
    /** Absolute path every worker can read (shared storage). */
    path: z.string().min(1).optional(),
    /** http(s) URL the worker downloads (added in the same version: optional). */
    url: z
      .string()
      .regex(/^https?:\/\//i)
      .optional(),
    /** SHA-256 of a `path` input at submission (the worker refuses the job if the file changed since). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    bytes: z.int().gte(0).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.path === undefined) === (v.url === undefined)) {
      ctx.addIssue({ code: "custom", message: "an input has exactly one of path and url" });
    } else if (v.path !== undefined && (v.sha256 === undefined || v.bytes === undefined)) {
      ctx.addIssue({ code: "custom", message: "a path input carries its sha256 and bytes" });
    }
  });

/**
 * The data of one queued job (versioned; workers refuse data of another version with the reason).
 *
 * @example
 * ```ts
 * import { QueueJobDataSchema } from "@neuropose/queue";
 * console.log(QueueJobDataSchema.safeParse({ schema_version: 2 }).success); // false
 * ```
 */
export const QueueJobDataSchema = z.strictObject({
  schema_version: z.literal(QUEUE_JOB_DATA_VERSION),
  /** Human name (the job folder's name, or the video's stem). */
  name: z.string().min(1),
  /** Shared folder under which `<job id>/results.json` is written. */
  out_dir: z.string().min(1),
  inputs: z.array(QueueInputSchema).min(1),
  submitted_at: z.string(),
});

export type QueueInput = z.infer<typeof QueueInputSchema>;
export type QueueJobData = z.infer<typeof QueueJobDataSchema>;

/**
 * The idempotency key of a job: sha256 over its name, its output folder and its inputs' names and hashes (in
 * order). A result whose receipt carries the same job id and key is complete for these exact inputs.
 *
 * @example
 * ```ts
 * import { jobKey } from "@neuropose/queue";
 * const key = jobKey("walk", "/shared/out", [{ name: "a.mp4", path: "/s/a.mp4", sha256: "0".repeat(64), bytes: 1 }]);
 * console.log(key.length); // 64
 * ```
 */
export function jobKey(name: string, outDir: string, inputs: readonly QueueInput[]): string {
  const h = createHash("sha256").update(`neuropose-queue-v1\0${name}\0${outDir}\0`);
  // a path input is its content (hash); a URL input is its URL (the worker records the downloaded hash)
  for (const i of inputs)
    h.update(i.url === undefined ? `${i.name}\0${i.sha256}\0` : `${i.name}\0url:${i.url}\0`);
  return h.digest("hex");
}

/**
 * The job id for a name and key: `<name>-<first 16 hex of the key>` with characters Redis keys dislike
 * replaced. The same inputs submitted twice get the same id (BullMQ then keeps the first).
 *
 * @example
 * ```ts
 * import { jobIdFor } from "@neuropose/queue";
 * console.log(jobIdFor("walk 01", "ab".repeat(32))); // walk_01-abababababababab
 * ```
 */
export function jobIdFor(name: string, key: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 80) || "job";
  return `${safe}-${key.slice(0, 16)}`;
}
