// Every @example in this package's TSDoc runs: each is transpiled to JavaScript, pointed at the built package
// (dist/, made by `pnpm build`, which `pnpm test` runs first; copied so a concurrent rebuild cannot break a run)
// and executed with node in a scratch folder holding the files the examples read (clip.json, clip.mp4,
// session.nwb).
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
import { synthPredictions } from "../test/_synth.js";
import { minimalSpec } from "../test/_util.js";
import { writeNwb } from "./index.js";

const srcDir = dirname(fileURLToPath(import.meta.url));
const dist = join(srcDir, "..", "dist", "index.js");
const copy = join(srcDir, "..", ".doctest", "index.js");
const ioDist = join(srcDir, "..", "..", "io", "dist", "index.js");

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

describe.skipIf(!existsSync(dist) || !existsSync(ioDist))("TSDoc examples run", () => {
  const all = examples();
  let template: string;
  beforeAll(async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        mkdirSync(dirname(copy), { recursive: true });
        copyFileSync(dist, copy);
        break;
      } catch (e) {
        if (attempt > 20) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    template = mkdtempSync(join(tmpdir(), "np-nwb-doc-"));
    writeFileSync(join(template, "clip.json"), JSON.stringify(synthPredictions({ frames: 10 })));
    writeFileSync(join(template, "clip.mp4"), "video");
    await writeNwb(join(template, "session.nwb"), minimalSpec());
  });
  it("README.md example runs", () => {
    const readme = readFileSync(join(srcDir, "..", "README.md"), "utf8");
    const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(code).toContain("videoPredictionsToNwb");
    const dir = mkdtempSync(join(tmpdir(), "np-nwb-readme-"));
    writeFileSync(
      join(dir, "readme.mjs"),
      code.replaceAll('from "@neuropose/nwb"', `from ${JSON.stringify(pathToFileURL(copy).href)}`),
    );
    const out = execFileSync(process.execPath, ["readme.mjs"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(out).toContain("/processing/behavior/pose3d_person0");
    expect(out).toMatch(/meters 3 90 \{ rate: 30, startingTime: 0 \}\ntrue\n$/);
  });
  it("found the examples", () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
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
      .outputText.replaceAll('from "@neuropose/nwb"', `from ${JSON.stringify(pathToFileURL(copy).href)}`)
      .replaceAll('from "@neuropose/io"', `from ${JSON.stringify(pathToFileURL(ioDist).href)}`);
    const dir = mkdtempSync(join(tmpdir(), "np-nwb-doc-"));
    for (const f of readdirSync(template)) copyFileSync(join(template, f), join(dir, f));
    writeFileSync(join(dir, "example.mjs"), js);
    try {
      execFileSync(process.execPath, ["example.mjs"], { cwd: dir, stdio: "pipe", timeout: 30_000 });
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new Error(`example failed:\n${code}\n---\n${err.stderr?.toString() ?? String(e)}`);
    }
  });
});
