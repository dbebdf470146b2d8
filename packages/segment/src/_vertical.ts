// The vertical a predictions document declares (io's metadata.poses3d_up), for the stride method.

/**
 * The vertical axis a predictions document declares (`metadata.poses3d_up`, e.g. "+z" for the lab frame of
 * `neuropose-infer --cameras`), else "y" (y-down camera and BlazePose world coordinates). Internal.
 */
export function declaredVerticalAxis(metadata: object): "x" | "y" | "z" {
  const up = (metadata as { poses3d_up?: unknown }).poses3d_up;
  return typeof up === "string" && /^[+-][xyz]$/.test(up) ? (up[1] as "x" | "y" | "z") : "y";
}
