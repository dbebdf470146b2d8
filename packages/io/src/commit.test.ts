import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../config/cli-process.js";
import {
  checkOutputPath,
  commitTogether,
  openAtomicTarget,
  openAtomicTargetSync,
  parseTempName,
  removeStaleTemps,
  tempPathFor,
} from "./commit.js";
import { NeuroPoseError } from "./errors.js";

function tmp(): string {
  return tempDir("np-io-commit-");
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

describe("temp names", () => {
  it("name their target and owner, keep the extension on request, and are recognised back", () => {
    const t = tempPathFor("/x/clip.nwb", { keepExtension: true });
    expect(t.endsWith(".nwb")).toBe(true);
    expect(parseTempName(basename(t))).toEqual({ target: "clip.nwb", pid: process.pid, role: "temp" });
    expect(parseTempName(basename(tempPathFor("/x/report.json")))).toEqual({
      target: "report.json",
      pid: process.pid,
      role: "temp",
    });
  });

  it("recognise the names earlier versions wrote, and nothing else", () => {
    expect(parseTempName(".out.json.1234.k2j3.tmp")).toEqual({ target: "out.json", pid: 1234, role: "temp" });
    expect(parseTempName(".x.mp4.77.tmp.mp4")).toEqual({ target: "x.mp4", pid: 77, role: "temp" });
    expect(parseTempName("out.json")).toBeNull();
    expect(parseTempName(".hidden")).toBeNull();
    expect(parseTempName(".a.json.neuropose-tmp-12-ab.mp4")).toBeNull();
  });
});

describe("removeStaleTemps", () => {
  it("removes temp files of dead processes (SIGKILLed writer), keeps live ones and other files", async () => {
    const dir = tmp();
    // A real writer killed mid-write: it opens its target, writes a little, then waits to be killed.
    // The built package (pnpm test builds before testing): a child process cannot import TypeScript source.
    const ioSrc = new URL("../dist/index.js", import.meta.url).pathname;
    const script = `
      const { openAtomicTargetSync } = await import(${JSON.stringify(ioSrc)});
      const fs = await import("node:fs");
      const t = openAtomicTargetSync(${JSON.stringify(join(dir, "clip.nwb"))}, { keepExtension: true });
      fs.writeFileSync(t.tmp, "partial");
      process.stdout.write("ready\\n");
      setInterval(() => {}, 1000);
    `;
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error("writer did not start")), 20_000);
      child.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) {
          clearTimeout(timer);
          res();
        }
      });
    });
    const leftover = readdirSync(dir).find((n) => parseTempName(n));
    expect(leftover).toBeDefined();
    // While the writer lives, its temp file is left alone.
    expect(await removeStaleTemps(dir)).toEqual([]);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    writeFileSync(join(dir, "keep.txt"), "x");
    const mine = await openAtomicTarget(join(dir, "mine.json"));
    writeFileSync(mine.tmp, "{}");
    const removed = await removeStaleTemps(dir);
    expect(removed.map((p) => basename(p))).toEqual([leftover]);
    expect(readdirSync(dir).sort()).toEqual(["keep.txt", basename(mine.tmp)].sort());
    await mine.abort();
  });

  it("opening a target removes stale temps of the same target only", async () => {
    const dir = tmp();
    const pid = deadPid();
    writeFileSync(join(dir, `.a.json.neuropose-tmp-${pid}-zz`), "old");
    writeFileSync(join(dir, `.b.json.neuropose-tmp-${pid}-zz`), "old");
    const t = await openAtomicTarget(join(dir, "a.json"));
    expect(readdirSync(dir).sort()).toEqual([`.b.json.neuropose-tmp-${pid}-zz`]);
    await t.abort();
  });

  it("restores a backup left by a multi-file commit killed half-way", async () => {
    const dir = tmp();
    const pid = deadPid();
    writeFileSync(join(dir, `.report.html.neuropose-old-${pid}-aa`), "old html");
    await removeStaleTemps(dir);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toBe("old html");
  });
});

describe("AtomicTarget", () => {
  it("leaves the target untouched until commit, and nothing after abort", async () => {
    const dir = tmp();
    const p = join(dir, "sub", "x.bin");
    const t = await openAtomicTarget(p);
    await writeFile(t.tmp, "new");
    expect(existsSync(p)).toBe(false);
    await t.commit();
    expect(readFileSync(p, "utf8")).toBe("new");
    const u = openAtomicTargetSync(p);
    writeFileSync(u.tmp, "newer");
    u.abortSync();
    expect(readFileSync(p, "utf8")).toBe("new");
    expect(readdirSync(join(dir, "sub"))).toEqual(["x.bin"]);
  });
});

describe("commitTogether", () => {
  it("replaces every target, or none when one cannot be placed", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "r.json"), "old json");
    writeFileSync(join(dir, "r.html"), "old html");
    const a = await openAtomicTarget(join(dir, "r.json"));
    const b = await openAtomicTarget(join(dir, "r.html"));
    await writeFile(a.tmp, "new json");
    await writeFile(b.tmp, "new html");
    await commitTogether([a, b]);
    expect(readFileSync(join(dir, "r.json"), "utf8")).toBe("new json");
    expect(readFileSync(join(dir, "r.html"), "utf8")).toBe("new html");
    expect(readdirSync(dir).sort()).toEqual(["r.html", "r.json"]);

    // The second target's temp file vanished (as if its writer failed): nothing is replaced.
    const c = await openAtomicTarget(join(dir, "r.json"));
    const d = await openAtomicTarget(join(dir, "r.html"));
    await writeFile(c.tmp, "newer json");
    await expect(commitTogether([c, d])).rejects.toBeInstanceOf(NeuroPoseError);
    expect(readFileSync(join(dir, "r.json"), "utf8")).toBe("new json");
    expect(readFileSync(join(dir, "r.html"), "utf8")).toBe("new html");
    expect(readdirSync(dir).sort()).toEqual(["r.html", "r.json"]);
  });
});

describe("checkOutputPath", () => {
  it("accepts a new file under missing folders", async () => {
    await expect(checkOutputPath(join(tmp(), "a", "b", "c.json"))).resolves.toBeUndefined();
  });

  it("refuses a folder, an existing file without force, a path under a file, and /proc", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "f"), "x");
    const code = async (p: string, force = false) =>
      checkOutputPath(p, { force, label: "-o" }).then(
        () => "ok",
        (e: NeuroPoseError) => e.code,
      );
    expect(await code(dir)).toBe("E_OUTPUT_IS_DIR");
    expect(await code(join(dir, "f"))).toBe("E_OUTPUT_EXISTS");
    expect(await code(join(dir, "f"), true)).toBe("ok");
    expect(await code(join(dir, "f", "x.json"))).toBe("E_OUTPUT_PARENT");
    if (existsSync("/proc/self"))
      expect(await code("/proc/neuropose-test.json")).toBe("E_OUTPUT_NOT_WRITABLE");
  });

  it("refuses a read-only folder (when not root)", async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere; the /proc case above covers refusal
    const dir = tmp();
    mkdirSync(join(dir, "ro"));
    chmodSync(join(dir, "ro"), 0o555);
    await expect(checkOutputPath(join(dir, "ro", "x.json"))).rejects.toMatchObject({
      code: "E_OUTPUT_NOT_WRITABLE",
    });
  });
});
