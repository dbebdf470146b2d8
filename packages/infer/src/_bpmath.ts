// BlazePose pipeline math (MediaPipe pose graph constants; see shared/spec/blazepose.md). Pure functions.

export const DETECTOR_SIZE = 224;
export const LANDMARK_SIZE = 256;
export const HEATMAP_SIZE = 64;
export const NUM_ANCHORS = 2254;
export const NUM_LANDMARK_ROWS = 39;
export const NUM_KEYPOINTS = 33;

export interface Anchor {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** SSD anchors of pose_detection (MediaPipe SsdAnchorsCalculator options of pose_detection_cpu.pbtxt). */
export function detectorAnchors(): Anchor[] {
  const numLayers = 5;
  const strides = [8, 16, 32, 32, 32];
  const offset = 0.5;
  // fixed_anchor_size: every anchor is 1x1 (min_scale 0.1484375 / max_scale 0.75 only shape the unused sizes)
  const anchors: Anchor[] = [];
  let layer = 0;
  while (layer < numLayers) {
    let perCell = 0;
    let last = layer;
    while (last < numLayers && strides[last] === strides[layer]) {
      perCell += 2; // aspect ratio 1.0 plus the interpolated scale
      last++;
    }
    const stride = strides[layer]!;
    const fm = Math.ceil(DETECTOR_SIZE / stride);
    for (let y = 0; y < fm; y++) {
      for (let x = 0; x < fm; x++) {
        for (let a = 0; a < perCell; a++)
          anchors.push({ x: (x + offset) / fm, y: (y + offset) / fm, w: 1, h: 1 });
      }
    }
    layer = last;
  }
  return anchors;
}

/** A detection in normalised image coordinates: box (xmin, ymin, w, h) and 4 keypoints. */
export interface Detection {
  score: number;
  xmin: number;
  ymin: number;
  w: number;
  h: number;
  /** 4 keypoints (x, y) normalised: 0 mid-hip, 1 full-body size/rotation point, 2 mid-shoulder, 3 upper body. */
  kp: number[];
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Letterbox geometry: content scaled by `scale` and padded by (padX, padY) normalised fractions per side. */
export interface Letterbox {
  scale: number;
  padX: number;
  padY: number;
}

export function letterboxFor(width: number, height: number, size: number): Letterbox {
  const scale = Math.min(size / width, size / height);
  return { scale, padX: (1 - (width * scale) / size) / 2, padY: (1 - (height * scale) / size) / 2 };
}

/** Decodes raw detector outputs, applies the score threshold, weighted NMS and letterbox removal. */
export function decodeDetections(
  boxes: Float32Array,
  scores: Float32Array,
  anchors: Anchor[],
  lb: Letterbox,
  minScore = 0.5,
  offsetIndex = 0,
): Detection[] {
  const raw: Detection[] = [];
  const n = anchors.length;
  const S = DETECTOR_SIZE;
  const bOff = offsetIndex * n * 12;
  const sOff = offsetIndex * n;
  for (let i = 0; i < n; i++) {
    let s = scores[sOff + i]!;
    s = Math.max(-100, Math.min(100, s));
    const score = sigmoid(s);
    if (score < minScore) continue;
    const a = anchors[i]!;
    const o = bOff + i * 12;
    const cx = (boxes[o]! / S) * a.w + a.x;
    const cy = (boxes[o + 1]! / S) * a.h + a.y;
    const w = (boxes[o + 2]! / S) * a.w;
    const h = (boxes[o + 3]! / S) * a.h;
    const kp: number[] = [];
    for (let k = 0; k < 4; k++) {
      kp.push((boxes[o + 4 + 2 * k]! / S) * a.w + a.x, (boxes[o + 5 + 2 * k]! / S) * a.h + a.y);
    }
    raw.push({ score, xmin: cx - w / 2, ymin: cy - h / 2, w, h, kp });
  }
  const kept = weightedNms(raw, 0.3);
  // remove the letterbox
  const sx = 1 - 2 * lb.padX;
  const sy = 1 - 2 * lb.padY;
  return kept.map((d) => ({
    score: d.score,
    xmin: (d.xmin - lb.padX) / sx,
    ymin: (d.ymin - lb.padY) / sy,
    w: d.w / sx,
    h: d.h / sy,
    kp: d.kp.map((v, j) => (j % 2 === 0 ? (v - lb.padX) / sx : (v - lb.padY) / sy)),
  }));
}

export function iou(a: { xmin: number; ymin: number; w: number; h: number }, b: typeof a): number {
  const x0 = Math.max(a.xmin, b.xmin);
  const y0 = Math.max(a.ymin, b.ymin);
  const x1 = Math.min(a.xmin + a.w, b.xmin + b.w);
  const y1 = Math.min(a.ymin + a.h, b.ymin + b.h);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** MediaPipe's weighted non-max suppression (IoU threshold; box and keypoints score-weighted). */
export function weightedNms(dets: Detection[], threshold: number): Detection[] {
  let remaining = [...dets].sort((a, b) => b.score - a.score);
  const out: Detection[] = [];
  while (remaining.length > 0) {
    const top = remaining[0]!;
    const cluster: Detection[] = [];
    const rest: Detection[] = [];
    for (const d of remaining) (iou(top, d) > threshold ? cluster : rest).push(d);
    if (cluster.length === 0) cluster.push(top);
    let tw = 0;
    const acc = { xmin: 0, ymin: 0, xmax: 0, ymax: 0, kp: new Array<number>(top.kp.length).fill(0) };
    for (const d of cluster) {
      tw += d.score;
      acc.xmin += d.xmin * d.score;
      acc.ymin += d.ymin * d.score;
      acc.xmax += (d.xmin + d.w) * d.score;
      acc.ymax += (d.ymin + d.h) * d.score;
      for (let j = 0; j < d.kp.length; j++) acc.kp[j]! += d.kp[j]! * d.score;
    }
    out.push({
      score: top.score,
      xmin: acc.xmin / tw,
      ymin: acc.ymin / tw,
      w: (acc.xmax - acc.xmin) / tw,
      h: (acc.ymax - acc.ymin) / tw,
      kp: acc.kp.map((v) => v / tw),
    });
    remaining = rest[0] === top ? rest.slice(1) : rest.filter((d) => d !== top);
  }
  return out;
}

/** A rotated square region of interest in pixels. */
export interface Roi {
  cx: number;
  cy: number;
  /** Side length in pixels. */
  size: number;
  /** Rotation in radians (MediaPipe convention). */
  rotation: number;
}

export function normalizeRadians(a: number): number {
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}

/**
 * ROI from two alignment points in pixels (centre point and size/rotation point): centre = p0,
 * size = 2|p1 - p0| (then x1.25, square), rotation = normalize(pi/2 - atan2(-(y1 - y0), x1 - x0)).
 */
export function roiFromPoints(x0: number, y0: number, x1: number, y1: number): Roi {
  const size = 2 * Math.hypot(x1 - x0, y1 - y0) * 1.25;
  const rotation = normalizeRadians(Math.PI / 2 - Math.atan2(-(y1 - y0), x1 - x0));
  return { cx: x0, cy: y0, size, rotation };
}

export function roiFromDetection(d: Detection, width: number, height: number): Roi {
  return roiFromPoints(d.kp[0]! * width, d.kp[1]! * height, d.kp[2]! * width, d.kp[3]! * height);
}

/**
 * Letterboxed resize of an RGB frame to size x size in [-1, 1] (detector input), bilinear; the border is
 * black (pixel value 0, i.e. -1 in the tensor), as MediaPipe warps the 8-bit image before normalising.
 */
export function letterboxTensor(
  rgb: Uint8Array,
  width: number,
  height: number,
  size: number,
  out: Float32Array,
  outOffset = 0,
): Letterbox {
  const lb = letterboxFor(width, height, size);
  const inv = 1 / lb.scale;
  const padXpx = lb.padX * size;
  const padYpx = lb.padY * size;
  for (let v = 0; v < size; v++) {
    const sy = (v - padYpx) * inv;
    for (let u = 0; u < size; u++) {
      const o = outOffset + (v * size + u) * 3;
      const sx = (u - padXpx) * inv;
      if (sx < -0.5 || sy < -0.5 || sx > width - 0.5 || sy > height - 0.5) {
        out[o] = -1;
        out[o + 1] = -1;
        out[o + 2] = -1;
        continue;
      }
      sampleBilinear(rgb, width, height, sx, sy, out, o, 2 / 255, -1);
    }
  }
  return lb;
}

function sampleBilinear(
  rgb: Uint8Array,
  width: number,
  height: number,
  sx: number,
  sy: number,
  out: Float32Array,
  o: number,
  mul: number,
  add: number,
): void {
  let x0 = Math.floor(sx);
  let y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  let x1 = x0 + 1;
  let y1 = y0 + 1;
  // replicate border
  if (x0 < 0) x0 = 0;
  else if (x0 >= width) x0 = width - 1;
  if (x1 < 0) x1 = 0;
  else if (x1 >= width) x1 = width - 1;
  if (y0 < 0) y0 = 0;
  else if (y0 >= height) y0 = height - 1;
  if (y1 < 0) y1 = 0;
  else if (y1 >= height) y1 = height - 1;
  const r0 = y0 * width;
  const r1 = y1 * width;
  const i00 = (r0 + x0) * 3;
  const i01 = (r0 + x1) * 3;
  const i10 = (r1 + x0) * 3;
  const i11 = (r1 + x1) * 3;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  for (let c = 0; c < 3; c++) {
    const v = rgb[i00 + c]! * w00 + rgb[i01 + c]! * w01 + rgb[i10 + c]! * w10 + rgb[i11 + c]! * w11;
    out[o + c] = v * mul + add;
  }
}

/**
 * Rotated crop of the ROI to size x size in [0, 1], bilinear, replicate border (OpenCV warpPerspective
 * mapping the rotated rect's corners onto the output corners).
 */
export function roiTensor(
  rgb: Uint8Array,
  width: number,
  height: number,
  roi: Roi,
  size: number,
  out: Float32Array,
  outOffset = 0,
): void {
  const c = Math.cos(roi.rotation);
  const s = Math.sin(roi.rotation);
  const k = roi.size / size;
  // output (u, v) -> offset from centre (a, b) = (u*k - size/2, v*k - size/2) in ROI pixels (corner-to-corner)
  const half = roi.size / 2;
  for (let v = 0; v < size; v++) {
    const b = v * k - half;
    for (let u = 0; u < size; u++) {
      const a = u * k - half;
      const sx = roi.cx + c * a - s * b;
      const sy = roi.cy + s * a + c * b;
      sampleBilinear(rgb, width, height, sx, sy, out, outOffset + (v * size + u) * 3, 1 / 255, 0);
    }
  }
}

/** Decoded landmarks of one person in image pixels plus world coordinates in metres. */
export interface Landmarks {
  /** 39 rows x (x px, y px, z px) */
  image: Float64Array;
  /** 39 rows x (x, y, z) metres, hip-centred, rotated by the ROI rotation. */
  world: Float64Array;
  visibility: Float64Array;
  presence: Float64Array;
  flag: number;
}

/**
 * Landmark-model outputs -> image and world landmarks: crop coordinates / 256, heatmap refinement
 * (kernel 7, min confidence 0.5), projection through the ROI, world landmarks rotated by the ROI rotation.
 */
export function decodeLandmarks(
  raw: Float32Array,
  flag: number,
  heatmap: Float32Array | undefined,
  world: Float32Array,
  roi: Roi,
  offsets: { raw: number; heatmap: number; world: number } = { raw: 0, heatmap: 0, world: 0 },
): Landmarks {
  const n = NUM_LANDMARK_ROWS;
  const image = new Float64Array(n * 3);
  const w = new Float64Array(n * 3);
  const visibility = new Float64Array(n);
  const presence = new Float64Array(n);
  const c = Math.cos(roi.rotation);
  const s = Math.sin(roi.rotation);
  const H = HEATMAP_SIZE;
  for (let i = 0; i < n; i++) {
    const o = offsets.raw + i * 5;
    let x = raw[o]! / LANDMARK_SIZE;
    let y = raw[o + 1]! / LANDMARK_SIZE;
    const z = raw[o + 2]! / LANDMARK_SIZE;
    visibility[i] = sigmoid(raw[o + 3]!);
    presence[i] = sigmoid(raw[o + 4]!);
    if (heatmap) {
      const cc = Math.trunc(x * H);
      const cr = Math.trunc(y * H);
      if (cc >= 0 && cc < H && cr >= 0 && cr < H) {
        let sum = 0;
        let wc = 0;
        let wr = 0;
        let maxv = 0;
        for (let r = Math.max(0, cr - 3); r < Math.min(H, cr + 4); r++) {
          for (let col = Math.max(0, cc - 3); col < Math.min(H, cc + 4); col++) {
            const conf = sigmoid(heatmap[offsets.heatmap + (r * H + col) * n + i]!);
            sum += conf;
            if (conf > maxv) maxv = conf;
            wc += col * conf;
            wr += r * conf;
          }
        }
        if (maxv >= 0.5 && sum > 0) {
          x = wc / H / sum;
          y = wr / H / sum;
        }
      }
    }
    const dx = x - 0.5;
    const dy = y - 0.5;
    image[i * 3] = roi.cx + (c * dx - s * dy) * roi.size;
    image[i * 3 + 1] = roi.cy + (s * dx + c * dy) * roi.size;
    image[i * 3 + 2] = z * roi.size;
    const ow = offsets.world + i * 3;
    const wx = world[ow]!;
    const wy = world[ow + 1]!;
    w[i * 3] = c * wx - s * wy;
    w[i * 3 + 1] = s * wx + c * wy;
    w[i * 3 + 2] = world[ow + 2]!;
  }
  return { image, world: w, visibility, presence, flag };
}

/** The next frame's ROI from the auxiliary landmarks 33 (centre) and 34 (size/rotation). */
export function roiFromLandmarks(lm: Landmarks): Roi {
  const im = lm.image;
  return roiFromPoints(im[33 * 3]!, im[33 * 3 + 1]!, im[34 * 3]!, im[34 * 3 + 1]!);
}

/**
 * The 2D keypoints (x, y of each of the 33 keypoints of a landmark image array, stride 3) and their bounding box
 * `[x, y, width, height]`. A NaN coordinate never widens the box.
 */
export function keypointBox(image: ArrayLike<number>): {
  keypoints: number[][];
  box: [number, number, number, number];
} {
  const keypoints: number[][] = [];
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < NUM_KEYPOINTS; j++) {
    const x = image[j * 3]!;
    const y = image[j * 3 + 1]!;
    keypoints.push([x, y]);
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { keypoints, box: [x0, y0, x1 - x0, y1 - y0] };
}

/** One Euro filter over a vector (Casiez et al. 2012), as MediaPipe's OneEuroFilter. */
export class OneEuroVector {
  private prevX: Float64Array | undefined;
  private prevDx: Float64Array | undefined;
  private prevT = 0;
  constructor(
    private readonly minCutoff: number,
    private readonly beta: number,
    private readonly dCutoff: number,
  ) {}

  private static alpha(rate: number, cutoff: number): number {
    const tau = 1 / (2 * Math.PI * cutoff);
    const te = 1 / rate;
    return 1 / (1 + tau / te);
  }

  /** Filters `x` at time `t` (seconds); `scale` multiplies values before filtering (MediaPipe object scale). */
  apply(x: Float64Array, t: number, scale = 1): Float64Array {
    if (!this.prevX || !this.prevDx || t <= this.prevT) {
      this.prevX = Float64Array.from(x);
      this.prevDx = new Float64Array(x.length);
      this.prevT = t;
      return Float64Array.from(x);
    }
    const rate = 1 / (t - this.prevT);
    const out = new Float64Array(x.length);
    const ad = OneEuroVector.alpha(rate, this.dCutoff);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]! * scale;
      const px = this.prevX[i]! * scale;
      const dx = (xi - px) * rate;
      const edx = ad * dx + (1 - ad) * this.prevDx[i]!;
      this.prevDx[i] = edx;
      const cutoff = this.minCutoff + this.beta * Math.abs(edx);
      const a = OneEuroVector.alpha(rate, cutoff);
      out[i] = (a * xi + (1 - a) * px) / scale;
    }
    this.prevX = Float64Array.from(out);
    this.prevT = t;
    return out;
  }
}
