// neuropose-infer runs for as long as the video (hours, for a long recording) while allocating steadily (decoded
// frames, model outputs, per-frame predictions). V8 grows its young generation whenever the bytes that survived
// its scavenges since the last growth pass the young generation's size; over hours they always do, so it grows
// to 2 x 16 MB semi-spaces (+32 MB of RSS) that only ever hold garbage: peak RSS of the predictions writer was
// 1.32-1.40x that of a 1-minute clip at 1-4 hours (issue 11), with the heap after a full GC flat. Its growth
// factor is read when V8 decides to grow, so setting it to 1 at start-up (no re-exec, no NODE_OPTIONS) keeps the
// young generation at its start size. Measured (benchmarks/long-clip, writer alone): 60,000 frames 61 MB peak RSS
// with it vs 89 MB without, the same 61 MB as 1,800 frames; spooling was not slower (more, smaller scavenges of
// mostly dead frames).
import { setFlagsFromString } from "node:v8";

/** The V8 flag neuropose-infer sets before it starts work (benchmarks/long-clip sets the same one). */
export const YOUNG_GENERATION_FLAG = "--semi-space-growth-factor=1";

/**
 * Keep V8's young generation at its start size for the rest of the process (see the file comment). Called by
 * `run` before the command loads; harmless to call twice.
 *
 * @example
 * ```ts
 * import { capYoungGeneration } from "@neuropose/neuropose-infer";
 * capYoungGeneration();
 * ```
 */
export function capYoungGeneration(): void {
  setFlagsFromString(YOUNG_GENERATION_FLAG);
}
