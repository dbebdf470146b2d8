import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

// Simulated failures: when `failing.write` is set, the temp file's writeFile writes part of the data and then
// fails like a full disk; when `failing.rename` is set, the final rename fails.
const failing = vi.hoisted(() => ({ write: false, rename: false }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (!failing.write) return handle;
      return new Proxy(handle, {
        get(target, prop, receiver) {
          if (prop === "writeFile") {
            return async (data: string | Uint8Array) => {
              await target.writeFile(typeof data === "string" ? data.slice(0, 3) : data.subarray(0, 3));
              throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    },
    rename: async (...args: Parameters<typeof real.rename>) => {
      if (failing.rename)
        throw Object.assign(new Error("EXDEV: cross-device link not permitted"), { code: "EXDEV" });
      return real.rename(...args);
    },
  };
});

const { writeFileAtomic, writeFileAtomicStreamed, writeFileAtomicSync } = await import("./atomic.js");
const { NeuroPoseError } = await import("./errors.js");

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "np-io-atomic-"));
}

afterEach(() => {
  failing.write = false;
  failing.rename = false;
});

describe("writeFileAtomic", () => {
  it("writes strings and bytes, creating parent folders, leaving no temp file", async () => {
    const dir = tmp();
    const p = join(dir, "a", "b", "out.json");
    await writeFileAtomic(p, '{"x": 1}\n');
    expect(readFileSync(p, "utf8")).toBe('{"x": 1}\n');
    await writeFileAtomic(p, new Uint8Array([104, 105]));
    expect(readFileSync(p, "utf8")).toBe("hi");
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["out.json"]);
  });

  it("a failing write leaves the old file intact and no temp file", async () => {
    const dir = tmp();
    const p = join(dir, "status.json");
    writeFileSync(p, "OLD CONTENT");
    failing.write = true;
    const err = await writeFileAtomic(p, "NEW CONTENT THAT IS LONGER").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeuroPoseError);
    expect((err as InstanceType<typeof NeuroPoseError>).code).toBe("E_WRITE");
    expect((err as Error).message).toContain("ENOSPC");
    expect((err as InstanceType<typeof NeuroPoseError>).hint).toMatch(/disk is full/);
    expect(readFileSync(p, "utf8")).toBe("OLD CONTENT");
    expect(readdirSync(dir)).toEqual(["status.json"]);
  });

  it("a failing rename leaves the old file intact and no temp file", async () => {
    const dir = tmp();
    const p = join(dir, "results.json");
    writeFileSync(p, "OLD");
    failing.rename = true;
    await expect(writeFileAtomic(p, "NEW")).rejects.toThrow(/could not write .*results\.json: EXDEV/);
    expect(readFileSync(p, "utf8")).toBe("OLD");
    expect(readdirSync(dir)).toEqual(["results.json"]);
  });

  it("fails cleanly when the target is a folder", async () => {
    const dir = tmp();
    const target = join(dir, "sub");
    writeFileSync(join(dir, "keep"), "k");
    await writeFileAtomic(join(target, "x"), "x");
    await expect(writeFileAtomic(target, "data")).rejects.toThrow(NeuroPoseError);
    expect(readdirSync(dir).sort()).toEqual(["keep", "sub"]);
    expect(readdirSync(target)).toEqual(["x"]);
  });
});

describe("writeFileAtomicStreamed", () => {
  it("a file-system failure becomes E_WRITE with its hint; the body's own error passes; nothing is left", async () => {
    const dir = tmp();
    const p = join(dir, "rows.csv");
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      syscall: "write",
    });
    await expect(
      writeFileAtomicStreamed(p, async (write) => {
        await write("frame\n");
        throw full;
      }),
    ).rejects.toMatchObject({ code: "E_WRITE", path: p, hint: "the disk is full; free space and retry" });
    const own = new RangeError("the body's own");
    await expect(writeFileAtomicStreamed(p, async () => Promise.reject(own))).rejects.toBe(own);
    expect(readdirSync(dir)).toEqual([]);
    await writeFileAtomicStreamed(p, async (write) => {
      await write("a,");
      await write(Buffer.from("b\n"));
    });
    expect([readFileSync(p, "utf8"), readdirSync(dir)]).toEqual(["a,b\n", ["rows.csv"]]);
  });
});

describe("writeFileAtomicSync", () => {
  it("writes, replaces and cleans up on error", () => {
    const dir = tmp();
    const p = join(dir, "deep", "s.json");
    writeFileAtomicSync(p, "one");
    writeFileAtomicSync(p, Buffer.from("two"));
    expect(readFileSync(p, "utf8")).toBe("two");
    expect(readdirSync(join(dir, "deep"))).toEqual(["s.json"]);
    expect(() => writeFileAtomicSync(join(dir, "deep"), "x")).toThrow(NeuroPoseError);
    expect(readdirSync(join(dir, "deep"))).toEqual(["s.json"]);
  });
});
