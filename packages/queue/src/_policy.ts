// Queue policies shared by submit and the worker source.

/** Job options of every submitted job: 3 attempts with exponential backoff; finished jobs are kept (bounded). */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential" as const, delay: 5000 },
  removeOnComplete: { count: 10_000 },
  removeOnFail: { count: 10_000 },
};

/** Error codes that are not the input's fault: retried with backoff even though they are NeuroPose errors. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "E_DATA_DIR", // shared output folder briefly unwritable (NFS hiccup, disk full being cleaned)
  "E_QUEUE_UNREACHABLE",
  "E_MODEL_DOWNLOAD",
  "E_QUEUE_FETCH_RETRY", // a URL input's server answered 5xx/429 or dropped the connection
]);
