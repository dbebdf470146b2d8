// Worker of loadCohort (_cohort-load.ts): loads the cohort trials it is sent, one at a time, with the same function
// as the calling thread (loadCohortTrial), and posts back the pieces' sequences (their buffers transferred) and
// the summaries; the document stays here and is dropped. A trial that fails is reported by index and phase only:
// the calling thread loads it again for the error itself.
import { parentPort, workerData } from "node:worker_threads";
import type { LoadReply, LoadRequest, LoadWorkerData } from "./_cohort-load.js";
import { loadCohortTrial, pieceBuffers, scratchContext, TrialFailure } from "./_cohort-trial.js";
import { createRunContext } from "./_context.js";

const data = workerData as LoadWorkerData;
const base = createRunContext(data.plan, data.configPath ? { configPath: data.configPath } : {});
const port = parentPort;
let unitKnown: (u: "m" | "mm") => void = () => undefined;
const runUnit = new Promise<"m" | "mm">((r) => {
  unitKnown = r;
});
const reply = (m: LoadReply, transfer: ArrayBuffer[] = []) => port?.postMessage(m, transfer);

port?.on("message", (m: LoadRequest) => {
  if (m.type === "unit") {
    unitKnown(m.unit);
    return;
  }
  void loadCohortTrial(scratchContext(base), m.path, (input) => {
    if (m.k !== 0) return runUnit;
    // The first trial's unit is the run's: every worker waits for it before preparing a trial.
    const unit = input.predictions.metadata.poses3d_unit;
    reply({ type: "unit", unit });
    return unit;
  }).then(
    (trial) => reply({ type: "done", k: m.k, trial }, pieceBuffers(trial)),
    (e: unknown) => {
      if (!(e instanceof TrialFailure)) throw e;
      reply({ type: "failed", k: m.k, phase: e.phase, skeleton: e.skeleton });
    },
  );
});
