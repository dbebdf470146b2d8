// Test helper: every TSDoc `@example` of a package runs. The ```ts block of each @example is extracted from the
// package's source files and either
// - `checkedExamplesSuite`: instrumented and run inside vitest against the package source: `expr; // <JSON>`
//   lines become equality checks, `expr; // throws ...` lines must-throw checks; or
// - `nodeExamplesSuite`: transpiled to JavaScript, pointed at the BUILT package (dist/, made by `pnpm build`,
//   which `pnpm test` runs first; privately copied so that a concurrent rebuild cannot break a run) and run by
//   node in a scratch folder holding the files the examples read.
// Import it relatively, e.g. `../../../config/doc-examples.js`.
import { execFileSync } from "node:child_process";
import {
  cpSync,
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

export interface DocExample {
  /** Source file name, e.g. `angles.ts`. */
  file: string;
  /** Index of the example within its file. */
  index: number;
  /** The exported name the example documents (the next `export function|class|const`), or "?". */
  name: string;
  /** The example's code, without the comment's leading ` * `. */
  code: string;
}

/**
 * The @example ```ts blocks of the package's source files in `srcDir` (sorted by file, in file order),
 * test files excluded; `_`-prefixed internal modules and index.ts too unless `includeInternal`.
 */
export function docExamples(srcDir: string, options: { includeInternal?: boolean } = {}): DocExample[] {
  const out: DocExample[] = [];
  for (const f of readdirSync(srcDir).sort()) {
    if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
    if (!options.includeInternal && (f.startsWith("_") || f === "index.ts")) continue;
    const text = readFileSync(join(srcDir, f), "utf8");
    const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
    let index = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const code = (m[1] ?? "")
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""))
        .join("\n");
      const name = /export (?:async )?(?:function|class|const) (\w+)/.exec(text.slice(m.index))?.[1] ?? "?";
      out.push({ file: f, index: index++, name, code });
    }
  }
  return out;
}

// ---- checked examples, run in vitest against the source ----

/** Rewrite an example into a checked module body (returns the source of an async function body). */
export function instrument(code: string): string {
  const lines = code.split("\n");
  const imports: string[] = [];
  const body: string[] = [];
  for (const line of lines) {
    if (/^import /.test(line)) {
      imports.push(line);
      continue;
    }
    const m = /^(.*?);\s*\/\/\s*(.*)$/.exec(line);
    if (m && !/^\s*(const|let|for|if)\b/.test(m[1] ?? "")) {
      const [, expr, comment = ""] = m;
      if (/^throws\b/.test(comment)) {
        body.push(`__throws(() => { ${expr}; });`);
        continue;
      }
      const expected = parseExpected(comment);
      if (expected === undefined) {
        body.push(`${expr};`);
        continue;
      }
      // `console.log(x); // <JSON>` checks x (the printed value), as `x; // <JSON>` does.
      const printed = /^(\s*)console\.log\(([^,]*)\)$/.exec(expr ?? "");
      const checked = printed ? `${printed[1]}${printed[2]}` : expr;
      body.push(`__eq(${checked}, ${JSON.stringify(expected)}, ${JSON.stringify(checked)});`);
      continue;
    }
    body.push(line);
  }
  return `${imports.join("\n")}\nexport default async function (__eq, __throws) {\n${body.join("\n")}\n}\n`;
}

/** The value a `// ...` comment announces: JSON, optionally after `Float64Array ` or `... = `, before ` (note)`. */
function parseExpected(comment: string): unknown {
  let c = comment.trim();
  const eq = c.lastIndexOf("= ");
  if (eq >= 0) c = c.slice(eq + 2);
  c = c.replace(/^Float64Array /, "");
  c = c.replace(/\s+\(.*\)$/, "").replace(/,? \.\.\.$/, "");
  try {
    return JSON.parse(c);
  } catch {
    return undefined;
  }
}

/** Typed arrays (also nested in arrays) as plain arrays, for comparison with the announced JSON. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

/**
 * A suite with one test per @example of the public modules in `srcDir` (see `instrument`); the examples import
 * the package by name, which vitest resolves to its source. At least `atLeast` examples must be found.
 */
export function checkedExamplesSuite(
  srcDir: string,
  atLeast: number,
  options: { inPackage?: boolean } = {},
): void {
  describe("TSDoc @example blocks run and print what they say", () => {
    const examples = docExamples(srcDir);
    // inPackage: the examples are written under <package>/.tmp/, so that `import.meta.url` and
    // createRequire(import.meta.url) resolve the package's own dependencies (e.g. @mediapipe/pose).
    const base = options.inPackage ? join(srcDir, "..", ".tmp") : tmpdir();
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, "np-examples-"));
    it("finds examples", () => expect(examples.length).toBeGreaterThanOrEqual(atLeast));
    for (const ex of examples) {
      it(`${ex.file} #${ex.index}`, async () => {
        const file = join(dir, `${ex.file.replace(/\W/g, "_")}_${ex.index}.ts`);
        writeFileSync(file, instrument(ex.code));
        const mod = await import(file);
        await mod.default(
          (got: unknown, want: unknown, expr: string) => expect(plain(got), expr).toEqual(want),
          (fn: () => void) => expect(fn).toThrow(),
        );
      });
    }
  });
}

// ---- examples run by node against the build ----

/** Transpile TypeScript to an ES module whose `from "<specifier>"` imports point at the given files. */
export function toNodeModule(code: string, imports: Record<string, string>): string {
  let js = ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
  }).outputText;
  for (const [spec, file] of Object.entries(imports)) js = pointImports(js, spec, file);
  return js;
}

/** Replace `from "<specifier>"` by the file URL of `file`. */
export function pointImports(js: string, specifier: string, file: string): string {
  return js.replaceAll(
    `from ${JSON.stringify(specifier)}`,
    `from ${JSON.stringify(pathToFileURL(file).href)}`,
  );
}

export interface NodeExamplesOptions {
  /** The package's src/ folder (internal modules included). */
  srcDir: string;
  /** The package's name and its built entry (dist/index.js); dist/ is privately copied to ../.doctest/. */
  package: { name: string; dist: string };
  /** Other packages the examples import by name -> their built entries (used in place, not copied). */
  others?: Record<string, string>;
  /** At least this many examples must be found. */
  atLeast: number;
  /** Runs once after the build is copied (e.g. to write sample files). */
  setup?: () => Promise<void> | void;
  /** A fresh folder holding the files the examples read; each example runs in its own. */
  scratch: () => string;
  /** Per-example node time limit, ms. */
  timeoutMs: number;
  /**
   * Rewrites an example before it runs (e.g. a documented cache path → the tests' shared cache, or the documented
   * `redis://127.0.0.1:6379` → the test's own server on a free port). The documented text stays what users read.
   */
  rewrite?: (code: string) => string;
  /** Why an example cannot run here (e.g. a model is not cached), or undefined: skipped with that reason printed. */
  skip?: (code: string) => string | undefined;
  /** The package README's first ```js block runs too (test "README.md example runs"), in a scratch folder. */
  readme?: ReadmeExample;
}

/** How {@link nodeExamplesSuite} checks the README's example. */
export interface ReadmeExample {
  /** A name the example must mention (so that an emptied block fails). */
  mentions: string;
  /** Checks what it printed; `dir` is the folder it ran in. */
  check: (stdout: string, dir: string) => void;
  /** Node time limit, ms (default the suite's `timeoutMs`). */
  timeoutMs?: number;
}

/** A suite (skipped while a build is missing) that runs each @example with node against the built package. */
export function nodeExamplesSuite(options: NodeExamplesOptions): void {
  const { srcDir, package: pkg, others = {} } = options;
  const built = join(dirname(pkg.dist), "..", ".doctest", "index.js");
  const missing = [pkg.dist, ...Object.values(others)].some((f) => !existsSync(f));
  describe.skipIf(missing)("TSDoc examples run", () => {
    const all = docExamples(srcDir, { includeInternal: true }).map((e): [string, string] => [
      `${e.file}: ${e.name}`,
      e.code,
    ]);
    beforeAll(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          // The whole dist/ folder: entries import shared chunks (e.g. io's index.js and core.js).
          cpSync(dirname(pkg.dist), dirname(built), { recursive: true });
          break;
        } catch (e) {
          if (attempt > 20) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      await options.setup?.();
    });
    if (options.readme)
      readmeTest(srcDir, pkg.name, built, options.scratch, options.readme, options.timeoutMs);
    it("found the examples", () => {
      expect(all.length).toBeGreaterThanOrEqual(options.atLeast);
    });
    const skipped = options.skip ? all.filter(([, code]) => options.skip?.(code) !== undefined) : [];
    for (const [name, code] of skipped) console.warn(`skipped example ${name}: ${options.skip?.(code)}`);
    const runnable = all.filter((e) => !skipped.includes(e));
    it.skipIf(runnable.length === 0).each(runnable)(
      "%s",
      (_name, original) => {
        const code = options.rewrite ? options.rewrite(original) : original;
        const js = toNodeModule(code, { [pkg.name]: built, ...others });
        const dir = options.scratch();
        writeFileSync(join(dir, "example.mjs"), js);
        try {
          execFileSync(process.execPath, ["example.mjs"], {
            cwd: dir,
            stdio: "pipe",
            timeout: options.timeoutMs,
          });
        } catch (e) {
          const err = e as { stderr?: Buffer };
          throw new Error(`example failed:\n${code}\n---\n${err.stderr?.toString() ?? String(e)}`);
        }
      },
      Math.max(30_000, options.timeoutMs + 10_000),
    );
  });
}

/** The test that the README's first ```js block, pointed at the built package, runs and prints what it should. */
function readmeTest(
  srcDir: string,
  name: string,
  built: string,
  scratch: () => string,
  readme: ReadmeExample,
  suiteTimeoutMs: number,
): void {
  const timeout = readme.timeoutMs ?? suiteTimeoutMs;
  it(
    "README.md example runs",
    () => {
      const text = readFileSync(join(srcDir, "..", "README.md"), "utf8");
      const code = /```js\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
      expect(code).toContain(readme.mentions);
      const dir = scratch();
      writeFileSync(join(dir, "readme.mjs"), pointImports(code, name, built));
      const out = execFileSync(process.execPath, ["readme.mjs"], { cwd: dir, encoding: "utf8", timeout });
      readme.check(out, dir);
    },
    timeout + 30_000,
  );
}

/**
 * The common case of {@link nodeExamplesSuite}: the package whose test file is `metaUrl` (its src/), built to
 * dist/index.js, each example in a fresh temp folder, 20 s each; `others` names sibling packages the examples
 * import (built entries, e.g. `["@neuropose/gait"]`). Any option may be overridden.
 */
export function builtExamplesSuite(
  metaUrl: string,
  name: string,
  options: Partial<NodeExamplesOptions> & { atLeast: number; siblings?: string[] },
): void {
  const srcDir = dirname(fileURLToPath(metaUrl));
  const built = (pkg: string) => join(srcDir, "..", "..", pkg.replace("@neuropose/", ""), "dist", "index.js");
  const { siblings = [], ...rest } = options;
  nodeExamplesSuite({
    srcDir,
    package: { name, dist: built(name) },
    others: Object.fromEntries(siblings.map((s) => [s, built(s)])),
    scratch: () => mkdtempSync(join(tmpdir(), `np-${name.replace("@neuropose/", "")}-doc-`)),
    timeoutMs: 20_000,
    ...rest,
  });
}
