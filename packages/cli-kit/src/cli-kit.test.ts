import { NeuroPoseError } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import {
  abortOnSignals,
  createLogger,
  createProgress,
  exitCodeFor,
  formatError,
  runMain,
  UsageError,
} from "./index.js";

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (c: string) => chunks.push(c), text: () => chunks.join("") };
}

/** runMain of a body that throws `e`: the exit code and what it printed. */
async function failing(e: Error): Promise<{ code: number; text: string }> {
  const err = sink();
  const code = await runMain(
    async () => {
      throw e;
    },
    { stderr: err, exit: () => {} },
  );
  return { code, text: err.text() };
}

describe("runMain", () => {
  it("returns the function's exit code and prints nothing on success", async () => {
    const err = sink();
    let exited = -1;
    const code = await runMain(async () => 3, { stderr: err, exit: (c) => (exited = c) });
    expect(code).toBe(3);
    expect(exited).toBe(3);
    expect(err.text()).toBe("");
  });

  it("maps a user error to one error: line and exit 2", async () => {
    const { code, text } = await failing(
      new NeuroPoseError("E_INPUT_MISSING", "file not found", { path: "clip.mp4", hint: "check the path" }),
    );
    expect(code).toBe(2);
    expect(text).toBe("error: clip.mp4: file not found (hint: check the path)\n");
  });

  it("maps an unexpected error to one line and exit 1", async () => {
    const { code, text } = await failing(new TypeError("x is not a function\n    at foo (bar.js:1:1)"));
    expect(code).toBe(1);
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(text).toMatch(/^error: unexpected TypeError: x is not a function/);
  });

  it("treats bug-kind NeuroPose errors as unexpected", () => {
    const e = new NeuroPoseError("E_INTERNAL", "invariant broken", { kind: "bug" });
    expect(exitCodeFor(e)).toBe(1);
    expect(formatError(e)).toBe("error: unexpected (E_INTERNAL): invariant broken");
    expect(exitCodeFor(new UsageError("missing <video>"))).toBe(2);
  });
});

describe("createLogger", () => {
  it("writes human lines filtered by level", () => {
    const out = sink();
    const log = createLogger({ format: "human", level: "warn", stream: out });
    log.info("hidden");
    log.warn("cuda failed, using cpu", { provider: "cuda" });
    expect(out.text()).toBe("warn: cuda failed, using cpu provider=cuda\n");
  });

  it("writes JSON lines", () => {
    const out = sink();
    const log = createLogger({ format: "json", level: "debug", stream: out });
    log.info("converted", { model: "full" });
    const rec = JSON.parse(out.text().trim());
    expect(rec).toMatchObject({ msg: "converted", model: "full", level: 30 });
    expect(typeof rec.time).toBe("string");
  });
});

describe("createProgress (plain mode)", () => {
  it("prints rate-limited lines with percent, rate and eta, and a final line", () => {
    const out = sink();
    let t = 0;
    const bar = createProgress({
      label: "clip.mp4",
      total: 100,
      stream: Object.assign(out, { isTTY: false }) as never,
      intervalSeconds: 1,
      now: () => t,
    });
    for (let i = 1; i <= 100; i++) {
      t += 100; // 10 frames per second
      bar.update(i);
    }
    bar.stop();
    const lines = out.text().trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines[0]).toBe("clip.mp4: 1/100 frames (1%), 10.0 frames/s, eta 10s");
    expect(lines.at(-1)).toBe("clip.mp4: 100/100 frames (100%), 10.0 frames/s, eta 0s");
  });

  it("is silent when disabled", () => {
    const out = sink();
    const bar = createProgress({ label: "x", total: 3, stream: out as never, enabled: false });
    bar.update(1);
    bar.stop();
    expect(out.text()).toBe("");
  });
});

describe("abortOnSignals", () => {
  it("shares one signal and adds one process listener however often it is called", () => {
    const before = process.listenerCount("SIGUSR2");
    const a = abortOnSignals(["SIGUSR2"]);
    const b = abortOnSignals(["SIGUSR2"]);
    expect(b).toBe(a);
    expect(process.listenerCount("SIGUSR2")).toBe(before + 1);
    expect(a.aborted).toBe(false);
    process.emit("SIGUSR2", "SIGUSR2");
    expect(a.aborted).toBe(true);
    expect(String((a.reason as Error).message)).toBe("interrupted by SIGUSR2");
  });
});
