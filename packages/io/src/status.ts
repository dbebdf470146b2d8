import { z } from "zod";
import { count } from "./_numbers.js";

const dateTime = () =>
  z.iso
    .datetime({ offset: true, local: true, error: "expected an ISO-8601 date-time" })
    .describe("ISO-8601 date-time; written in UTC with 'Z'.");

/** Lifecycle state of a job. */
export const JobStatusSchema = z.enum(["processing", "completed", "failed"]);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** One job's entry in the status file. */
export const JobStatusEntrySchema = z
  .strictObject({
    status: JobStatusSchema.describe("processing, completed or failed."),
    started_at: dateTime(),
    completed_at: dateTime().nullable().default(null).describe("When the job completed or failed."),
    results_path: z.string().nullable().default(null).describe("Where the job's results.json was written."),
    error: z
      .string()
      .nullable()
      .default(null)
      .describe("Short reason when status is failed ('Type: message')."),
    current_video: z.string().nullable().default(null).describe("Basename of the video being processed."),
    frames_processed: count().nullable().default(null).describe("Frames processed in the current video."),
    frames_total: count().nullable().default(null).describe("Frame-count estimate of the current video."),
    videos_completed: count().nullable().default(null).describe("Videos of the job finished so far."),
    videos_total: count().nullable().default(null).describe("Videos in the job."),
    percent_complete: z
      .number()
      .gte(0, { error: "must be >= 0" })
      .lte(100, { error: "must be <= 100" })
      .nullable()
      .default(null)
      .describe("Overall job progress, 0..100."),
    last_update: dateTime().nullable().default(null).describe("Time of the last progress checkpoint."),
    // Added for the job daemon's retention (`neuropose prune`, setting retentionDays): the entry stays as a
    // tombstone so the job is not picked up again and the monitor can say "pruned <date>".
    pruned_at: dateTime()
      .nullable()
      .default(null)
      .describe("When the job's inputs and outputs were deleted by retention (a tombstone); null otherwise."),
  })
  .describe("Status of one job.");

export type JobStatusEntry = z.infer<typeof JobStatusEntrySchema>;
export type JobStatusEntryInput = z.input<typeof JobStatusEntrySchema>;

/** The daemon's status file: {job name: entry}. */
export const StatusFileSchema = z
  .record(z.string(), JobStatusEntrySchema)
  .describe("The daemon's status file: job name -> status entry.");

export type StatusFile = z.infer<typeof StatusFileSchema>;
