// Every example folder has a README whose commands run as written: the first ```sh block of each README is run
// line by line from the repository root, as a user would type it. `pnpm build` lines are skipped (the test
// suite runs after the build). The one placeholder, `path/to/your-clip.mp4`, is the user's own clip: the test
// puts the fixture gait clip there, and skips that README with a printed reason when ../shared is absent.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath, haveFixture } from "../../config/fixtures.js";
import { repoRoot } from "../../config/vitest.js";

const examples = join(repoRoot, "examples");
const folders = readdirSync(examples).filter(
  (f) => f !== "test" && f !== "node_modules" && statSync(join(examples, f)).isDirectory(),
);
const CLIP = "path/to/your-clip.mp4";
const clipFixture = ["videos", "gaitlab_input.mp4"];

function commands(readme: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  return block
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !/^pnpm (install|build)\b/.test(l));
}

function run(line: string): string {
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1" };
  delete env.INIT_CWD; // pnpm sets it to where the command is typed: here, the repository root
  try {
    return execFileSync("bash", ["-c", line], { cwd: repoRoot, env, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    throw new Error(`\`${line}\` exited ${err.status}:\n${err.stdout}${err.stderr}`);
  }
}

describe("examples/*/README.md", () => {
  it.each(folders)("examples/%s has a README with commands", (folder) => {
    const file = join(examples, folder, "README.md");
    expect(existsSync(file), `${file} is missing`).toBe(true);
    expect(commands(readFileSync(file, "utf8")).length).toBeGreaterThan(0);
  });

  for (const folder of folders) {
    const file = join(examples, folder, "README.md");
    if (!existsSync(file)) continue;
    const lines = commands(readFileSync(file, "utf8"));
    const needsClip = lines.some((l) => l.includes(CLIP));
    const skip = needsClip && !haveFixture(...clipFixture);
    if (skip) console.warn(`skipped examples/${folder}/README.md: ${fixturePath(...clipFixture)} is absent`);
    it.skipIf(skip)(`examples/${folder}/README.md's commands run as written`, () => {
      for (const line of lines) {
        const out = run(line.replaceAll(CLIP, fixturePath(...clipFixture)));
        // no silent failures: every command says what it did
        expect(out.trim().length, `\`${line}\` printed nothing`).toBeGreaterThan(0);
      }
    });
  }
});
