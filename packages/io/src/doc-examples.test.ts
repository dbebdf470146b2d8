// Every @example in this package's TSDoc runs: each is transpiled to JavaScript, pointed at the built package
// (dist/, made by `pnpm build`, which `pnpm test` runs first) and executed with node in a scratch folder that
// holds the sample files the examples read (trial.json, bench.json, ...).
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const srcDir = dirname(fileURLToPath(import.meta.url));
const dist = join(srcDir, "..", "dist", "index.js");
// A private copy of the build, so that a concurrent rebuild (tsup cleans dist/) cannot break a run.
const copy = join(srcDir, "..", ".doctest", "index.js");

function examples(): [string, string][] {
  const out: [string, string][] = [];
  for (const f of readdirSync(srcDir).sort()) {
    if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
    const text = readFileSync(join(srcDir, f), "utf8");
    const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const code = (m[1] ?? "")
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""))
        .join("\n");
      const name = /export (?:async )?(?:function|class|const) (\w+)/.exec(text.slice(m.index))?.[1] ?? "?";
      out.push([`${f}: ${name}`, code]);
    }
  }
  return out;
}

const V1 = `{"metadata": {"frame_count": 1, "fps": 30.0, "width": 640, "height": 480},
 "frames": {"frame_000000": {"boxes": [[1.0, 2.0, 3.0, 4.0, 0.9]], "poses3d": [[[1.0, 2.0, NaN]]], "poses2d": [[[1.0, 2.0]]]}}}`;
const PASS = {
  total_seconds: 1,
  per_frame_latencies_ms: [1],
  peak_rss_mb: 1,
  active_device: "/CPU:0",
  tensorflow_version: "2.16.2",
};
const AGG = { repeats_measured: 1, warmup_frames_per_pass: 0, mean_frame_latency_ms: 1, p50_frame_latency_ms: 1, p95_frame_latency_ms: 1, p99_frame_latency_ms: 1, stddev_frame_latency_ms: 0, mean_throughput_fps: 1, peak_rss_mb_max: 1, active_device: "/CPU:0", tensorflow_version: "2.16.2" }; // biome-ignore format: fixture

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "np-io-doc-"));
  mkdirSync(join(dir, "results"));
  mkdirSync(join(dir, "out", "job1"), { recursive: true });
  writeFileSync(join(dir, "trial.json"), V1);
  writeFileSync(join(dir, "results", "trial_01.json"), V1);
  writeFileSync(join(dir, "out", "job1", "results.json"), `{"trial.mp4": ${V1}}`);
  writeFileSync(
    join(dir, "bench.json"),
    JSON.stringify({
      video_name: "t.mp4",
      repeats: 2,
      warmup_frames: 0,
      warmup_pass: PASS,
      measured_passes: [PASS],
      aggregate: AGG,
    }),
  );
  return dir;
}

describe.skipIf(!existsSync(dist))("TSDoc examples run", () => {
  const all = examples();
  beforeAll(async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        mkdirSync(dirname(copy), { recursive: true });
        copyFileSync(dist, copy);
        return;
      } catch (e) {
        if (attempt > 20) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });
  it("found the examples", () => {
    expect(all.length).toBeGreaterThan(40);
  });
  it.each(all)("%s", (_name, code) => {
    const js = ts
      .transpileModule(code, {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: false,
        },
      })
      .outputText.replaceAll('from "@neuropose/io"', `from ${JSON.stringify(pathToFileURL(copy).href)}`);
    const dir = scratch();
    writeFileSync(join(dir, "example.mjs"), js);
    try {
      execFileSync(process.execPath, ["example.mjs"], { cwd: dir, stdio: "pipe", timeout: 20_000 });
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new Error(`example failed:\n${code}\n---\n${err.stderr?.toString() ?? String(e)}`);
    }
  });
});
