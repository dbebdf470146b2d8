// Public API of @neuropose/facemap.
export {
  type MotionEnergyOptions,
  type MotionEnergyResult,
  motionEnergy,
  type Roi,
} from "./motion-energy.js";
export { facemapNpySeries } from "./npy.js";
export { type FacemapProc, type FacemapSeries, facemapProcSeries, type ProcMatValue } from "./proc.js";
export { facialMetricsCsv } from "./table.js";
