// The "up" direction of pose coordinates, as io's `metadata.poses3d_up` declares it (a lab frame from `--cameras` is
// z up; BlazePose's camera and hip-centred frames are y down). io's type, by its gait name (type-only: no zod loads).
import type { Poses3dUp } from "@neuropose/io";

/** A direction of "up" in pose coordinates (io's `metadata.poses3d_up`). */
export type UpDirection = Poses3dUp;
