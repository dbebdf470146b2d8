// Test helper: the metadata of the VideoPredictions documents tests write by hand (BlazePose's 33 keypoints,
// hip-centred 3D, a 640x480 video at 30 frames/s). Import it relatively, e.g. `../../../config/predictions.js`.

/** A BlazePose document's metadata for `frameCount` frames, 3D in `unit`. */
export function blazeposeMetadata(frameCount: number, unit: "mm" | "m" = "mm") {
  return {
    frame_count: frameCount,
    fps: 30,
    width: 640,
    height: 480,
    skeleton: "blazepose_33",
    poses3d_unit: unit,
    poses3d_frame: "hip_centered",
  } as const;
}
