// What the HTML page plots, beside the JSON report: one entry per trial signal and per compared pair.

/** One plotted signal of a trial: the signal a segmentation ran on (with its segments), or a display signal. */
export interface SignalPanel {
  /** e.g. "joint 41 axis 1" or "rhee_cycles". */
  name: string;
  signal: number[];
  /** Name of the segmentation drawn on it (null: none). */
  segmentation: string | null;
  segments: { start: number; end: number; peak: number }[];
}

/** One trial's signals (for figures). */
export interface TrialFigure {
  role: "primary" | "reference" | "cohort";
  path: string;
  fps: number;
  /**
   * The clip's frame index of the signal's first sample (leading frames without the subject were trimmed):
   * sample i is frame `firstFrame + i`, `(firstFrame + i) / fps` seconds from the start of the clip.
   */
  firstFrame?: number;
  panels: SignalPanel[];
}

/** One compared pair (for figures): a 1-D view of both sides and the warping path. */
export interface PairFigure {
  label: string;
  reference: string;
  distance: number;
  signalName: string;
  a: number[];
  b: number[];
  path: [number, number][];
  timeNormalizedTo: number | null;
  /**
   * Both pieces' joints in 2D (x, y; each scaled to [−1, 1]) and the skeleton's edges, for the view that plays
   * the two movements along the path; absent for pieces over 600 frames or an unknown skeleton.
   */
  movement?: {
    a: { frames: number; joints: number; xy: (number | null)[] };
    b: { frames: number; joints: number; xy: (number | null)[] };
    edges: [number, number][];
  };
}

/** Every figure of a run: trials first (in load order), then compared pairs. */
export interface AnalysisFigures {
  trials: TrialFigure[];
  pairs: PairFigure[];
}
