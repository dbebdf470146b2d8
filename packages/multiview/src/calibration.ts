// Calibration files users already have, read into one model and written back: Qualisys .qca.txt (converted the
// way Pose2Sim converts it, so a lab gets the same cameras in both tools), OpenCV/Pose2Sim TOML, and our JSON.
import { readFile } from "node:fs/promises";
import { NeuroPoseError, writeFileAtomic } from "@neuropose/io";
import { XMLParser } from "fast-xml-parser";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { type Camera, matrixToRodrigues, rodriguesToMatrix } from "./camera.js";

/** Cameras of one calibrated set-up, in a stable order (by name, naturally sorted). */
export interface Calibration {
  cameras: Camera[];
  /** Where they came from (format and file), for provenance. */
  source: { format: "qualisys" | "toml" | "json"; file?: string };
}

function calibError(file: string, message: string, hint?: string, cause?: unknown): NeuroPoseError {
  return new NeuroPoseError("E_CALIBRATION", `${file}: ${message}`, {
    path: file,
    kind: "user",
    hint,
    cause,
  });
}

const natural = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

function num(v: unknown, file: string, where: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n))
    throw calibError(
      file,
      `${where} is not a number (${JSON.stringify(v)})`,
      "the file may be truncated or not a calibration",
    );
  return n;
}

/**
 * Read a Qualisys calibration (`.qca.txt`, XML) as Pose2Sim's `calib_qca_fun` does: sensor units / 64 → pixels
 * (with the binning factor), principal point relative to the video field of view, millimetres → metres, the
 * camera-to-world transform inverted and turned by π about x (Qualisys cameras look down −z, OpenCV's down +z).
 * Only video cameras (model "video", "hybrid" or "none") are kept, sorted by name.
 *
 * @example
 * ```ts
 * import { parseQualisysCalibration } from "@neuropose/multiview";
 * const xml = `<calibration><cameras><camera serial="cam01" model="none" avg-residual="0.4">
 *   <fov_video left="0" top="0" right="1087" bottom="1919"/>
 *   <transform x="1000" y="0" z="0" r11="1" r12="0" r13="0" r21="0" r22="1" r23="0" r31="0" r32="0" r33="1"/>
 *   <intrinsic focalLengthU="64000" focalLengthV="64000" centerPointU="34816" centerPointV="61440" radialDistortion1="0" radialDistortion2="0" tangentalDistortion1="0" tangentalDistortion2="0"/>
 * </camera></cameras></calibration>`;
 * const { cameras } = parseQualisysCalibration(xml);
 * console.log(cameras[0]?.name, cameras[0]?.size, cameras[0]?.fx); // cam01 [1088, 1920] 1000
 * ```
 */
export function parseQualisysCalibration(
  xml: string,
  options: { file?: string; binningFactor?: number } = {},
): Calibration {
  const file = options.file ?? "calibration.qca.txt";
  const bin = options.binningFactor ?? 1;
  let doc: unknown;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "",
      isArray: (name) => name === "camera",
    }).parse(xml, true);
  } catch (err) {
    throw calibError(
      file,
      `not valid XML (${(err as Error).message.split("\n")[0]})`,
      "is this a Qualisys .qca.txt file?",
      err,
    );
  }
  const cams = ((doc as { calibration?: { cameras?: { camera?: unknown[] } } }).calibration?.cameras
    ?.camera ?? []) as Record<string, unknown>[];
  if (cams.length === 0)
    throw calibError(file, "no <calibration><cameras><camera> element", "is this a Qualisys .qca.txt file?");
  const out: Camera[] = [];
  cams.forEach((c, i) => {
    const model = String(c.model ?? "").toLowerCase();
    if (!["video", "hybrid", "none"].some((m) => model.includes(m))) return;
    const name = String(c.serial ?? `camera${i + 1}`);
    const where = (tag: string) => `camera ${name} <${tag}>`;
    const fov = c.fov_video as Record<string, unknown> | undefined;
    const tr = c.transform as Record<string, unknown> | undefined;
    const intr = c.intrinsic as Record<string, unknown> | undefined;
    if (!fov || !tr || !intr)
      throw calibError(file, `camera ${name} lacks <fov_video>, <transform> or <intrinsic>`);
    const left = num(fov.left, file, where("fov_video left"));
    const top = num(fov.top, file, where("fov_video top"));
    const w = (num(fov.right, file, where("fov_video right")) - left + 1) / bin;
    const h = (num(fov.bottom, file, where("fov_video bottom")) - top + 1) / bin;
    const g = (k: string) => num(intr[k], file, where(`intrinsic ${k}`)) / 64 / bin;
    // Rows as written (r11 r12 r13 / …) are the world → camera rotation in Qualisys' camera frame.
    const Rq = ["r11", "r12", "r13", "r21", "r22", "r23", "r31", "r32", "r33"].map((k) =>
      num(tr[k], file, where(`transform ${k}`)),
    );
    const T = ["x", "y", "z"].map((k) => num(tr[k], file, where(`transform ${k}`)) / 1000);
    const t1 = [0, 1, 2].map(
      (r) =>
        -(
          (Rq[3 * r] as number) * (T[0] as number) +
          (Rq[3 * r + 1] as number) * (T[1] as number) +
          (Rq[3 * r + 2] as number) * (T[2] as number)
        ),
    );
    // Turn by π about the camera's x axis (cos π = −1, sin π as the float it is, exactly as Pose2Sim computes it).
    const cs = Math.cos(Math.PI);
    const sn = Math.sin(Math.PI);
    const Rx = [1, 0, 0, 0, cs, -sn, 0, sn, cs];
    const R = new Array<number>(9).fill(0);
    for (let r = 0; r < 3; r++)
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let j = 0; j < 3; j++) s += (Rx[3 * r + j] as number) * (Rq[3 * j + k] as number);
        R[3 * r + k] = s;
      }
    const t = [0, 1, 2].map(
      (r) =>
        (Rx[3 * r] as number) * (t1[0] as number) +
        (Rx[3 * r + 1] as number) * (t1[1] as number) +
        (Rx[3 * r + 2] as number) * (t1[2] as number),
    );
    out.push({
      name,
      size: [w, h],
      fx: g("focalLengthU"),
      fy: g("focalLengthV"),
      cx: g("centerPointU") - left,
      cy: g("centerPointV") - top,
      dist: [
        g("radialDistortion1"),
        g("radialDistortion2"),
        g("tangentalDistortion1"),
        g("tangentalDistortion2"),
        0,
      ],
      R,
      t: t as [number, number, number],
    });
  });
  if (out.length === 0)
    throw calibError(
      file,
      "no video camera in the calibration",
      'cameras need model "video", "hybrid" or "none"',
    );
  out.sort((a, b) => natural(a.name, b.name));
  return { cameras: out, source: { format: "qualisys", file: options.file } };
}

const Vec = (n: number) => z.array(z.number()).length(n);

const TomlCamera = z.looseObject({
  name: z.string().optional(),
  size: Vec(2),
  matrix: z.array(Vec(3)).length(3),
  distortions: z.array(z.number()).min(4).max(5),
  rotation: Vec(3),
  translation: Vec(3),
  fisheye: z.boolean().optional(),
});

/**
 * Read an OpenCV/Pose2Sim calibration TOML: one table per camera (`name`, `size`, `matrix`, `distortions`
 * [k1, k2, p1, p2(, k3)], `rotation` as a Rodrigues vector, `translation` in metres); `[metadata]` is skipped.
 *
 * @example
 * ```ts
 * import { parseCalibrationToml } from "@neuropose/multiview";
 * const toml = `[cam_01]\nname = "cam01"\nsize = [ 1088.0, 1920.0]\nmatrix = [ [ 1000.0, 0.0, 544.0], [ 0.0, 1000.0, 960.0], [ 0.0, 0.0, 1.0]]\ndistortions = [ 0.0, 0.0, 0.0, 0.0]\nrotation = [ 0.0, 0.0, 0.0]\ntranslation = [ 0.0, 0.0, 3.0]\nfisheye = false\n`;
 * console.log(parseCalibrationToml(toml).cameras[0]?.t); // [0, 0, 3]
 * ```
 */
export function parseCalibrationToml(text: string, options: { file?: string } = {}): Calibration {
  const file = options.file ?? "calibration.toml";
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw calibError(file, `not valid TOML (${(err as Error).message.split("\n")[0]})`, undefined, err);
  }
  const cameras: Camera[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === "metadata") continue;
    const r = TomlCamera.safeParse(value);
    if (!r.success) {
      const i = r.error.issues[0];
      throw calibError(
        file,
        `[${key}] ${i?.path.join(".") ?? ""}: ${i?.message ?? "invalid"}`,
        "each camera needs size, matrix, distortions, rotation, translation",
      );
    }
    const c = r.data;
    if (c.fisheye) throw calibError(file, `[${key}] is a fisheye camera, which is not supported yet`);
    const d = c.distortions;
    cameras.push({
      name: c.name ?? key,
      size: [c.size[0] as number, c.size[1] as number],
      fx: c.matrix[0]?.[0] as number,
      fy: c.matrix[1]?.[1] as number,
      cx: c.matrix[0]?.[2] as number,
      cy: c.matrix[1]?.[2] as number,
      dist: [d[0] as number, d[1] as number, d[2] as number, d[3] as number, d[4] ?? 0],
      R: rodriguesToMatrix(c.rotation),
      t: [c.translation[0] as number, c.translation[1] as number, c.translation[2] as number],
    });
  }
  if (cameras.length === 0)
    throw calibError(file, "no camera table", "expected [cam_01] tables as Pose2Sim writes them");
  cameras.sort((a, b) => natural(a.name, b.name));
  return { cameras, source: { format: "toml", file: options.file } };
}

/**
 * Write cameras as a Pose2Sim/OpenCV calibration TOML (readable by Pose2Sim and by {@link parseCalibrationToml}).
 *
 * @example
 * ```ts
 * import { formatCalibrationToml, parseCalibrationToml } from "@neuropose/multiview";
 * const cam = { name: "cam01", size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 2] as [number, number, number] };
 * console.log(parseCalibrationToml(formatCalibrationToml([cam])).cameras[0]?.fx); // 500
 * ```
 */
export function formatCalibrationToml(cameras: readonly Camera[]): string {
  const f = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
  let s = "";
  for (const c of cameras) {
    const r = matrixToRodrigues(c.R);
    s += `[${c.name}]\nname = "${c.name}"\nsize = [ ${f(c.size[0])}, ${f(c.size[1])}]\n`;
    s += `matrix = [ [ ${f(c.fx)}, 0.0, ${f(c.cx)}], [ 0.0, ${f(c.fy)}, ${f(c.cy)}], [ 0.0, 0.0, 1.0]]\n`;
    s += `distortions = [ ${c.dist
      .slice(0, c.dist[4] === 0 ? 4 : 5)
      .map(f)
      .join(", ")}]\n`;
    s += `rotation = [ ${r.map(f).join(", ")}]\ntranslation = [ ${c.t.map(f).join(", ")}]\nfisheye = false\n\n`;
  }
  return `${s}[metadata]\nadjusted = false\nerror = 0.0\n`;
}

const JsonCamera = z.strictObject({
  name: z.string().min(1),
  size: z.tuple([z.number().positive(), z.number().positive()]),
  intrinsics: z.strictObject({
    fx: z.number().positive(),
    fy: z.number().positive(),
    cx: z.number(),
    cy: z.number(),
  }),
  distortion: z.strictObject({
    k1: z.number(),
    k2: z.number(),
    p1: z.number(),
    p2: z.number(),
    k3: z.number().default(0),
  }),
  rotation_rodrigues: z.tuple([z.number(), z.number(), z.number()]),
  translation_m: z.tuple([z.number(), z.number(), z.number()]),
});

/** Our calibration JSON (versioned): cameras with units in the field names. */
export const CalibrationJsonSchema = z.strictObject({
  schema_version: z.literal(1),
  cameras: z.array(JsonCamera).min(1),
});

/**
 * Our calibration JSON → cameras.
 *
 * @example
 * ```ts
 * import { parseCalibrationJson } from "@neuropose/multiview";
 * const json = { schema_version: 1, cameras: [{ name: "cam01", size: [640, 480], intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240 }, distortion: { k1: 0, k2: 0, p1: 0, p2: 0 }, rotation_rodrigues: [0, 0, 0], translation_m: [0, 0, 2] }] };
 * console.log(parseCalibrationJson(JSON.stringify(json)).cameras[0]?.cy); // 240
 * ```
 */
export function parseCalibrationJson(text: string, options: { file?: string } = {}): Calibration {
  const file = options.file ?? "calibration.json";
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw calibError(file, `not valid JSON (${(err as Error).message})`, undefined, err);
  }
  const r = CalibrationJsonSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw calibError(file, `${i?.path.join(".") ?? ""}: ${i?.message ?? "invalid"}`);
  }
  const cameras = r.data.cameras.map(
    (c): Camera => ({
      name: c.name,
      size: c.size,
      ...c.intrinsics,
      dist: [c.distortion.k1, c.distortion.k2, c.distortion.p1, c.distortion.p2, c.distortion.k3],
      R: rodriguesToMatrix(c.rotation_rodrigues),
      t: c.translation_m,
    }),
  );
  return { cameras, source: { format: "json", file: options.file } };
}

/**
 * Cameras → our calibration JSON text.
 *
 * @example
 * ```ts
 * import { formatCalibrationJson, parseCalibrationJson } from "@neuropose/multiview";
 * const cam = { name: "cam01", size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 2] as [number, number, number] };
 * console.log(parseCalibrationJson(formatCalibrationJson([cam])).cameras[0]?.name); // cam01
 * ```
 */
export function formatCalibrationJson(cameras: readonly Camera[]): string {
  return `${JSON.stringify(
    {
      schema_version: 1,
      cameras: cameras.map((c) => ({
        name: c.name,
        size: c.size,
        intrinsics: { fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy },
        distortion: { k1: c.dist[0], k2: c.dist[1], p1: c.dist[2], p2: c.dist[3], k3: c.dist[4] },
        rotation_rodrigues: matrixToRodrigues(c.R),
        translation_m: c.t,
      })),
    },
    null,
    2,
  )}\n`;
}

/**
 * Read a calibration file of any supported format (by name: `.qca.txt`, `.toml`, `.json`).
 *
 * @example
 * ```ts
 * import { readCalibration } from "@neuropose/multiview";
 * try { await readCalibration("missing.toml"); } catch (e) { console.log((e as Error).message.includes("missing.toml")); } // true
 * ```
 */
export async function readCalibration(
  path: string,
  options: { binningFactor?: number } = {},
): Promise<Calibration> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw calibError(
      path,
      `cannot read (${(err as { code?: string }).code ?? String(err)})`,
      "check the path",
      err,
    );
  }
  const lower = path.toLowerCase();
  if (lower.endsWith(".qca.txt") || lower.endsWith(".qca") || text.trimStart().startsWith("<"))
    return parseQualisysCalibration(text, { file: path, binningFactor: options.binningFactor });
  if (lower.endsWith(".json")) return parseCalibrationJson(text, { file: path });
  return parseCalibrationToml(text, { file: path });
}

/**
 * Write cameras to a calibration file, format by extension (`.toml` → Pose2Sim TOML, `.json` → ours), atomically.
 *
 * @example
 * ```ts
 * import { writeCalibration } from "@neuropose/multiview";
 * const cam = { name: "cam01", size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 2] as [number, number, number] };
 * await writeCalibration("/tmp/neuropose-example-calib.toml", [cam]);
 * ```
 */
export async function writeCalibration(path: string, cameras: readonly Camera[]): Promise<void> {
  const text = path.toLowerCase().endsWith(".json")
    ? formatCalibrationJson(cameras)
    : formatCalibrationToml(cameras);
  await writeFileAtomic(path, text);
}
