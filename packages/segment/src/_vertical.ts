// The vertical a predictions document declares (io's metadata.poses3d_up), for the stride method. Never guessed:
// a lab ('world') frame that declares no up, or an up that is not an axis, is refused (as gait's verticalFor does).
import { SegmentError } from "./errors.js";

/**
 * The vertical axis a predictions document declares: `metadata.poses3d_up` (e.g. "+z" for the lab frame of
 * `neuropose-infer --cameras`), else "y" for y-down camera and BlazePose coordinates. Throws `E_STRIDE_VERTICAL`
 * for a malformed `poses3d_up` and for a `world` frame without one (its axes are the calibration's own). Internal.
 */
export function declaredVerticalAxis(metadata: object): "x" | "y" | "z" {
  const md = metadata as { poses3d_up?: unknown; poses3d_frame?: unknown };
  const up = md.poses3d_up;
  if (up !== undefined) {
    if (typeof up === "string" && /^[+-][xyz]$/.test(up)) return up[1] as "x" | "y" | "z";
    throw new SegmentError(
      "E_STRIDE_VERTICAL",
      `metadata.poses3d_up must be one of +x -x +y -y +z -z; got ${String(up)}`,
      {
        hint: "fix the document's poses3d_up",
      },
    );
  }
  if (md.poses3d_frame === "world")
    throw new SegmentError(
      "E_STRIDE_VERTICAL",
      "the poses are in a 'world' (lab) frame that does not declare which way is up (metadata.poses3d_up)",
      {
        hint: "declare metadata.poses3d_up (neuropose-infer --cameras writes it), or pass the stride method's verticalAxis",
      },
    );
  return "y";
}
