import cliProgress from "cli-progress";

export interface ProgressInfo {
  /** Extra text shown after the counts, e.g. the current file. */
  detail?: string;
}

export interface Progress {
  update(done: number, info?: ProgressInfo): void;
  /** Changes the total (e.g. when the real frame count becomes known). */
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  /** Default process.stderr. A TTY gets a live bar; anything else plain lines. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain mode: minimum seconds between lines (default 5). */
  intervalSeconds?: number;
  /** Turn progress off (e.g. `--json` or `--quiet`). */
  enabled?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, "0")}s`;
}

/**
 * Progress for long work: on a TTY a bar with rate and ETA (cli-progress); otherwise plain lines at most every
 * `intervalSeconds` (and at the end), so logs and CI stay readable.
 *
 * @example
 * ```ts
 * import { createProgress } from "@neuropose/cli-kit";
 * const bar = createProgress({ label: "clip.mp4", total: 344, unit: "frames" });
 * for (let i = 1; i <= 344; i++) bar.update(i);
 * bar.stop();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? "frames";
  const now = options.now ?? (() => performance.now());
  let total = options.total;
  if (options.enabled === false) return { update() {}, setTotal() {}, stop() {} };
  const start = now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted} {detail}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: "0.0", detail: "" });
    return {
      update(done, info) {
        const secs = (now() - start) / 1000;
        bar.update(done, { rate: secs > 0 ? (done / secs).toFixed(1) : "0.0", detail: info?.detail ?? "" });
      },
      setTotal(t) {
        total = t;
        bar.setTotal(t);
      },
      stop() {
        bar.stop();
      },
    };
  }
  const interval = (options.intervalSeconds ?? 5) * 1000;
  let last = -Infinity;
  let lastDone = 0;
  let stopped = false;
  const line = (done: number, detail?: string) => {
    const secs = (now() - start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const pct = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : "";
    const eta = rate > 0 && total > 0 ? `, eta ${formatEta((total - done) / rate)}` : "";
    stream.write(
      `${options.label}: ${done}/${total > 0 ? total : "?"} ${unit}${pct}, ${rate.toFixed(1)} ${unit}/s${eta}${detail ? `, ${detail}` : ""}\n`,
    );
  };
  return {
    update(done, info) {
      lastDone = done;
      const t = now();
      if (t - last >= interval) {
        last = t;
        line(done, info?.detail);
      }
    },
    setTotal(t) {
      total = t;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      line(lastDone);
    },
  };
}
