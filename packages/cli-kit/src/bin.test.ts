import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const binMjs = fileURLToPath(new URL("../bin.mjs", import.meta.url));

// An app laid out as in the repository: <root>/bin.mjs (cli-kit's, as shipped) and <root>/app/bin.js calling it.
function app(root: string, main?: string): string {
  mkdirSync(join(root, "app"), { recursive: true });
  copyFileSync(binMjs, join(root, "bin.mjs"));
  const bin = join(root, "app", "bin.js");
  writeFileSync(
    bin,
    'import { runBuiltCli } from "../bin.mjs";\nawait runBuiltCli(import.meta.url, "demo-app");\n',
  );
  if (main !== undefined) {
    mkdirSync(join(root, "app", "dist"));
    writeFileSync(join(root, "app", "dist", "main.js"), main);
  }
  return bin;
}

describe("runBuiltCli (bin.mjs)", () => {
  it("says 'not built yet' in one line and exits 1 when dist/ is missing, also under a path with a space", () => {
    for (const dir of ["plain", "with space"]) {
      const r = spawnSync(process.execPath, [app(join(mkdtempSync(join(tmpdir(), "np-bin-")), dir))], {
        encoding: "utf8",
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        "error: demo-app is not built yet (hint: run `pnpm build` in the repository first)\n",
      );
    }
  });

  it("runs dist/main.js's run(argv), and a module missing inside dist/ is not mistaken for an unbuilt app", () => {
    const ok = app(
      join(mkdtempSync(join(tmpdir(), "np-bin-")), "a b"),
      'export async function run(argv) { console.log(argv.join(",")); }\n',
    );
    const r = spawnSync(process.execPath, [ok, "x", "y"], { encoding: "utf8" });
    expect([r.status, r.stdout]).toEqual([0, "x,y\n"]);
    const broken = app(
      mkdtempSync(join(tmpdir(), "np-bin-")),
      'import "./gone.js";\nexport async function run() {}\n',
    );
    const b = spawnSync(process.execPath, [broken], { encoding: "utf8" });
    expect(b.status).not.toBe(0);
    expect(b.stderr).toContain("gone.js");
    expect(b.stderr).not.toContain("not built yet");
  });
});
