// The "up" direction of pose coordinates, as io's `metadata.poses3d_up` declares it (a lab frame from `--cameras` is
// z up; BlazePose's camera and hip-centred frames are y down).

/** A direction of "up" in pose coordinates (io's `metadata.poses3d_up`). */
export type UpDirection = "+x" | "-x" | "+y" | "-y" | "+z" | "-z";
