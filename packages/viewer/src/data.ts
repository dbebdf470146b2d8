import type { Poses3dUp } from "@neuropose/io";

/** The data embedded in a viewer page (JSON in a script tag). */
export interface ViewerData {
  title: string;
  fps: number;
  frames: number;
  width: number;
  height: number;
  /** Which way is up in the 3D data (drawn upwards on screen). */
  up: Poses3dUp;
  skeleton: { name: string; joints: string[]; edges: [number, number][]; sides: number[] };
  persons: ViewerPerson[];
  notes: string[];
}

export interface ViewerPerson {
  label: string;
  /** base64 Int16 frames × joints × 3, value × q3 = mm; −32768 = missing. */
  p3: string | null;
  q3: number;
  /** base64 Int16 frames × joints × 2, quarter pixels; −32768 = missing. */
  p2: string | null;
  /** base64 Float32 frames × 6: hip L, hip R, knee L, knee R, ankle L, ankle R (degrees, clinical). */
  angles: string;
  events: { kind: "hs" | "to"; frame: number; side: "left" | "right" }[];
  strides: { side: "left" | "right"; start: number; end: number }[];
  /** The gait parameters table, HTML. */
  table: string;
}
