// Public API of @neuropose/queue, listed by name.
export {
  checkRedis,
  MIN_REDIS_VERSION,
  probeRedis,
  type QueueConnectionOptions,
  type RedisProbe,
  type ResolvedConnection,
  redactUrl,
  redisVersionAtLeast,
  resolveConnection,
} from "./connection.js";
export { checkQueue } from "./doctor.js";
export { QUEUE_ERROR_CODES, QueueError, type QueueErrorCode } from "./errors.js";
export {
  jobIdFor,
  jobKey,
  QUEUE_JOB_DATA_VERSION,
  type QueueInput,
  QueueInputSchema,
  type QueueJobData,
  QueueJobDataSchema,
} from "./job-data.js";
export { isUserError, QueueJobSource, type QueueJobSourceOptions } from "./source.js";
export { planSubmission, type SubmitOptions, type SubmittedJob, submitJobs } from "./submit.js";
