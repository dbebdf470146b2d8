import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { saveStatusFile } from "@neuropose/io";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import yazl from "yazl";
import { removeDir, tempDir } from "../../../config/cli-process.js";
import { ingestArchive, planIngest } from "./index.js";

let dir: string;
let data: string;

function zipOf(
  files: { name: string; data: Buffer | string; mode?: number; compress?: boolean }[],
  patch?: (b: Buffer) => Buffer,
): Promise<string> {
  const path = join(dir, `a${Math.random().toString(36).slice(2, 8)}.zip`);
  const z = new yazl.ZipFile();
  for (const f of files) {
    z.addBuffer(Buffer.from(f.data), f.name, {
      compress: f.compress ?? false,
      ...(f.mode ? { mode: f.mode } : {}),
    });
  }
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on("data", (c: Buffer) => chunks.push(c));
    z.outputStream.on("error", reject);
    z.outputStream.on("end", () => {
      let b: Buffer = Buffer.concat(chunks);
      if (patch) b = patch(b);
      writeFileSync(path, b);
      resolve(path);
    });
  });
}

/** Replaces every occurrence of `from` by `to` (same length) in the archive bytes (local + central headers). */
const rename = (from: string, to: string) => (b: Buffer) => {
  expect(from.length).toBe(to.length);
  return Buffer.from(b.toString("latin1").split(from).join(to), "latin1");
};

/** The one line a CLI prints for the error `p` rejects with. */
async function line(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { oneLine(): string }).oneLine();
  }
  throw new Error("did not throw");
}

const video = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n) & 255));

beforeEach(() => {
  dir = tempDir("np-ingest-");
  data = join(dir, "data");
  mkdirSync(join(data, "in"), { recursive: true });
});
afterEach(() => removeDir(dir));

describe("ingestArchive", () => {
  it("extracts videos into one job per folder (root files: the archive's name), skipping other files", async () => {
    const zip = await zipOf([
      { name: "subj 01/Walk.MP4", data: video(3000) },
      { name: "subj 01/notes.txt", data: "n" },
      { name: "site/subj02/run.mov", data: video(2000), compress: true },
      { name: "loose.mkv", data: video(100) },
      { name: "__MACOSX/subj 01/._Walk.MP4", data: "x" },
    ]);
    const plan = await ingestArchive(zip, data);
    expect(plan.jobs.map((j) => [j.name, j.files.map((f) => f.name)])).toEqual([
      [zip.replace(/^.*\//, "").replace(".zip", ""), ["loose.mkv"]],
      ["site_subj02", ["run.mov"]],
      ["subj_01", ["Walk.mp4"]],
    ]);
    expect(readFileSync(join(data, "in", "subj_01", "Walk.mp4"))).toEqual(video(3000));
    expect(readFileSync(join(data, "in", "site_subj02", "run.mov"))).toEqual(video(2000));
    expect(plan.skipped.sort()).toEqual(["__MACOSX/subj 01/._Walk.MP4", "subj 01/notes.txt"]);
    expect(readdirSync(join(data, ".staging"))).toEqual([]);
  });

  it.each([
    [
      "a `..` entry",
      [{ name: "xx/evil.mp4", data: "v" }],
      rename("xx/evil.mp4", "../evil.mp4"),
      /path outside its root: "..\/evil.mp4"/,
    ],
    [
      "an absolute path",
      [{ name: "xa/evil.mp4", data: "v" }],
      rename("xa/evil.mp4", "/a/evil.mp4"),
      /absolute path: "\/a\/evil.mp4"/,
    ],
    [
      "a symlink",
      [{ name: "j/link.mp4", data: "/etc/passwd", mode: 0o120777 }],
      undefined,
      /symbolic link: "j\/link.mp4"/,
    ],
    ["no videos", [{ name: "j/readme.txt", data: "x" }], undefined, /holds no video/],
    [
      "names that collide after sanitising",
      [
        { name: "a b/x.mp4", data: "1" },
        { name: "a_b/y.mp4", data: "2" },
      ],
      undefined,
      /both become job "a_b"/,
    ],
    [
      "files that collide after sanitising",
      [
        { name: "j/A.mp4", data: "1" },
        { name: "j/a.MP4", data: "2" },
      ],
      undefined,
      /two files become j\/a\.mp4/,
    ],
  ])("refuses %s, writing nothing", async (_what, files, patch, message) => {
    const zip = await zipOf(files, patch);
    await expect(ingestArchive(zip, data)).rejects.toThrow(message);
    expect(readdirSync(join(data, "in"))).toEqual([]);
    expect(existsSync(join(data, ".staging"))).toBe(false);
  });

  it("refuses a compression-ratio bomb and a total above the limit", async () => {
    const bomb = await zipOf([{ name: "j/zeros.mp4", data: Buffer.alloc(5_000_000), compress: true }]);
    await expect(planIngest(bomb, data)).rejects.toThrow(
      /expands \d+:1 \(more than 100:1\): refusing a possible zip bomb/,
    );
    const big = await zipOf([
      { name: "j/a.mp4", data: video(6000) },
      { name: "j/b.mp4", data: video(6000) },
    ]);
    await expect(ingestArchive(big, data, { maxBytes: 10_000 })).rejects.toThrow(/expands to more than/);
    expect(readdirSync(join(data, "in"))).toEqual([]);
  });

  it("refuses a truncated zip with a hint", async () => {
    const zip = await zipOf([{ name: "j/a.mp4", data: video(5000) }]);
    writeFileSync(zip, readFileSync(zip).subarray(0, 3000));
    expect(await line(ingestArchive(zip, data))).toMatch(
      /not a readable zip archive .*hint: the file may be truncated/,
    );
  });

  it("rolls back when extraction fails half-way (damaged data of a later entry)", async () => {
    const zip = await zipOf(
      [
        { name: "a/ok.mp4", data: video(4000), compress: true },
        { name: "b/bad.mp4", data: video(4000), compress: true },
      ],
      (b) => {
        // damage the deflate stream of the second entry (after its local header)
        const at = b.indexOf(Buffer.from("b/bad.mp4")) + 9 + 20;
        for (let i = at; i < at + 200; i++) b[i] = 0xff;
        return b;
      },
    );
    await expect(ingestArchive(zip, data)).rejects.toThrow(/extraction failed, nothing was ingested/);
    expect(readdirSync(join(data, "in"))).toEqual([]);
    expect(readdirSync(join(data, ".staging"))).toEqual([]);
  });

  it("refuses existing jobs without --force; with it, replaces the job and forgets its status", async () => {
    const zip = await zipOf([{ name: "j/new.mp4", data: video(100) }]);
    mkdirSync(join(data, "in", "j"));
    writeFileSync(join(data, "in", "j", "old.mp4"), "old");
    await saveStatusFile(join(data, "out", "status.json"), {
      j: { status: "completed", started_at: "2026-01-01T00:00:00Z" },
    });
    expect(await line(ingestArchive(zip, data))).toMatch(/job "j" already exists .*--force/);
    await ingestArchive(zip, data, { force: true });
    expect(readdirSync(join(data, "in", "j"))).toEqual(["new.mp4"]);
    expect(JSON.parse(readFileSync(join(data, "out", "status.json"), "utf8"))).toEqual({});
  });
});
