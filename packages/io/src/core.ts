// `@neuropose/io/core`: the part of io that loads no schema library (errors, skeletons, sha256, the seeded PRNG). The math packages
// (kinematics, dtw, segment's peak code) import from here so that `import("@neuropose/dtw")` does not pay for
// zod; everything here is also exported by `@neuropose/io`, as the same classes and objects.
export {
  CodedError,
  type ErrorKind,
  FutureSchemaError,
  type IoErrorCode,
  isNeuroPoseError,
  JsonParseError,
  MigrationError,
  MigrationNotFoundError,
  NeuroPoseError,
  type NeuroPoseErrorOptions,
  PlacedError,
  type PlacedErrorOptions,
  type ReadFailureError,
  readFailure,
  readFileOr,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export { sha256File, sha256Hex } from "./hash.js";
export { mulberry32 } from "./random.js";
export {
  getSkeleton,
  jointIndex,
  SKELETON_NAMES,
  SKELETONS,
  type Skeleton,
  type SkeletonName,
} from "./skeletons.js";
