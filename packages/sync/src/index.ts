// Public API of @neuropose/sync (listed by name; internals live in `_`-prefixed files). Imports only node
// built-ins and @neuropose/io: no HDF5, no ffmpeg.
export { alignTrialsToPulses, type TrialAlignment } from "./align.js";
export { type CameraSsvTimes, parseCameraSsv, readCameraSsv } from "./camera-ssv.js";
export { type AnalogEdges, analogEdges, digitalEdges, type WordEdges } from "./edges.js";
export { SyncError, type SyncErrorCode } from "./errors.js";
export {
  type BitEdges,
  type ChannelEdges,
  type DigitalEdges,
  type ExtractEdgesOptions,
  extractSpikeGlxEdges,
  parseSpikeGlxMeta,
  readSpikeGlxMeta,
  type SpikeGlxMeta,
} from "./spikeglx.js";
export {
  type CountCheck,
  checkCounts,
  type DriftFit,
  type DropReport,
  detectDrops,
  drift,
  type JitterStats,
  jitter,
  type PulseSummary,
  summarizePulses,
} from "./stats.js";
export { type MappingMode, mapClock, nominalTimebase, sampleTimes, ttlTimebase } from "./timebase.js";
export { parseTtlEdges, readTtlEdges, type TtlReadOptions } from "./ttl.js";
