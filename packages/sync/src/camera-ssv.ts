// iblrig/Bonsai camera timestamp files (`_iblrig_<camera>Camera.timestamps.ssv`): one line per frame, space
// separated: the Bonsai (host) time as ISO 8601 with 7 fraction digits and an offset, then the camera's own
// embedded timestamp (FLIR/PointGrey: a 32-bit word of 7 bits seconds, 13 bits 8 kHz cycles, 12 bits offset).
// The conversion follows ibllib's raw_data_loaders (`convert_pgts`, `uncycle_pgts`).
import { readFileOr } from "@neuropose/io/core";
import { SyncError } from "./errors.js";

/** The frames of a camera timestamps file. */
export interface CameraSsvTimes {
  /** Frames (lines). */
  count: number;
  /** The first line's Bonsai time as written (ISO 8601 with its offset). */
  bonsaiStart: string;
  /** Bonsai (host clock) times in seconds since the first frame (exact to the file's 100 ns). */
  bonsaiSeconds: Float64Array;
  /** The camera's embedded timestamps converted to seconds and unwrapped at each 128 s cycle. */
  cameraSeconds: Float64Array;
  /** The raw embedded timestamps. */
  cameraRaw: Float64Array;
}

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses the text of an iblrig camera `*.timestamps.ssv` file (see the file comment). A malformed line is one
 * `SyncError` naming the line.
 *
 * @example
 * ```ts
 * import { parseCameraSsv } from "@neuropose/sync";
 * const t = parseCameraSsv(
 *   "2020-08-19T12:42:57.7903616-04:00 2330554981 \n2020-08-19T12:42:57.8236928-04:00 2331639823 \n",
 * );
 * console.log(t.count, t.bonsaiSeconds[1]); // 2 0.0333312
 * ```
 */
export function parseCameraSsv(text: string, source = "<text>"): CameraSsvTimes {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0)
    throw new SyncError("E_SYNC_EMPTY", `${source}: no frame`, {
      path: source,
      hint: "expected one '<ISO time> <camera timestamp>' line per frame",
    });
  const n = lines.length;
  const bonsaiSeconds = new Float64Array(n);
  const cameraRaw = new Float64Array(n);
  const cameraSeconds = new Float64Array(n);
  let ms0 = 0;
  let frac0 = 0;
  let cycles = 0;
  let prevConverted = Number.NaN;
  for (let i = 0; i < n; i++) {
    const cells = (lines[i] as string).trim().split(/\s+/);
    const m = ISO.exec(cells[0] ?? "");
    const raw = Number(cells[1]);
    if (!m || !Number.isInteger(raw) || raw < 0 || raw >= 2 ** 32)
      throw new SyncError("E_TTL_NUMBER", `${source}: line ${i + 1} is not '<ISO time> <camera timestamp>'`, {
        path: source,
        place: `line ${i + 1}`,
        hint: "is this an iblrig camera timestamps .ssv file?",
      });
    // Whole seconds through Date (exact ms), the fraction as an integer count of 100 ns: exact differences.
    const ms = Date.parse(`${m[1]}${m[3]}`);
    const frac = Number(((m[2] ?? "") + "0000000").slice(0, 7));
    if (i === 0) {
      ms0 = ms;
      frac0 = frac;
    }
    // Integer nanoseconds since the first frame, then one division (pandas: (ns - ns0) / 1e9): the same double.
    bonsaiSeconds[i] = ((ms - ms0) * 1e6 + (frac - frac0) * 100) / 1e9;
    cameraRaw[i] = raw;
    // convert_pgts: seconds (7 bits) + cycles (13 bits) / 8000; uncycle_pgts: +128 s at every wrap.
    const converted = Math.floor(raw / 2 ** 25) + (Math.floor(raw / 2 ** 12) % 2 ** 13) / 8000;
    if (i > 0 && converted < prevConverted) cycles++;
    prevConverted = converted;
    cameraSeconds[i] = converted + cycles * 128;
  }
  return {
    count: n,
    bonsaiStart: (lines[0] as string).trim().split(/\s+/)[0] as string,
    bonsaiSeconds,
    cameraSeconds,
    cameraRaw,
  };
}

/**
 * Reads an iblrig camera `*.timestamps.ssv` file (see {@link parseCameraSsv}).
 *
 * @example
 * ```ts
 * import { readCameraSsv } from "@neuropose/sync";
 * const t = await readCameraSsv("../shared/fixtures/ttl/ibl_bodyCamera/_iblrig_bodyCamera.timestamps.ssv").catch(() => undefined);
 * console.log(t?.count); // prints 6001 when the fixture is present
 * ```
 */
export async function readCameraSsv(path: string): Promise<CameraSsvTimes> {
  const text = await readFileOr(path, "latin1", (...f) => new SyncError("E_SYNC_READ", ...f));
  return parseCameraSsv(text, path);
}
