import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrateAndValidate } from "./documents.js";
import {
  FutureSchemaError,
  isNeuroPoseError,
  JsonParseError,
  MigrationError,
  MigrationNotFoundError,
  NeuroPoseError,
  PlacedError,
  type ReadFailureError,
  readFileOr,
  ValidationError,
} from "./errors.js";
import { parseJson } from "./json.js";

describe("errors", () => {
  it("have stable codes, kinds and classes", () => {
    const f = new FutureSchemaError("x");
    expect(f).toBeInstanceOf(MigrationError);
    expect(f).toBeInstanceOf(NeuroPoseError);
    expect([f.code, f.kind, f.name]).toEqual(["E_SCHEMA_FUTURE", "user", "FutureSchemaError"]);
    expect(new MigrationNotFoundError("x").code).toBe("E_MIGRATION_MISSING");
    expect(new MigrationError("x").code).toBe("E_MIGRATION");
    expect(new JsonParseError("x").code).toBe("E_JSON");
    expect(isNeuroPoseError(new ValidationError([]))).toBe(true);
    expect(isNeuroPoseError(new Error("x"))).toBe(false);
  });

  it("print one line that names the file once", () => {
    let v: unknown;
    try {
      migrateAndValidate("video_predictions", { frames: {} }, { source: "data/p.json" });
    } catch (e) {
      v = e;
    }
    expect((v as NeuroPoseError).oneLine()).toBe("data/p.json: metadata: required field is missing");
    try {
      parseJson("{\n", { source: "a.json" });
    } catch (e) {
      expect((e as NeuroPoseError).oneLine()).toBe(
        "a.json: invalid JSON at line 2, column 1: unexpected end of input (truncated file?)",
      );
    }
    const plain = new NeuroPoseError("E_X", "bad\nthing", { path: "f.txt", hint: "fix it" });
    expect(plain.oneLine()).toBe("f.txt: bad thing (hint: fix it)");
  });

  it("readFileOr: text or bytes, or the reader's own error with path, hint and cause", async () => {
    class EdgeError extends PlacedError<"E_EDGE_READ"> {}
    const fail: ReadFailureError = (message, options) => new EdgeError("E_EDGE_READ", message, options);
    const dir = mkdtempSync(join(tmpdir(), "np-readfileor-"));
    const file = join(dir, "edges.txt");
    writeFileSync(file, "caf\u00e9\n", "utf8");
    expect(await readFileOr(file, "utf8", fail)).toBe("caf\u00e9\n");
    expect(await readFileOr(file, "latin1", fail)).toBe("caf\u00c3\u00a9\n");
    expect(Array.from(await readFileOr(file, null, fail))).toEqual([0x63, 0x61, 0x66, 0xc3, 0xa9, 0x0a]);
    const missing = join(dir, "none.txt");
    const e = (await readFileOr(missing, "utf8", fail, "put the file back").catch((x) => x)) as EdgeError;
    expect(e).toBeInstanceOf(EdgeError);
    expect([e.code, e.path, e.hint, e.message]).toEqual([
      "E_EDGE_READ",
      missing,
      "put the file back",
      `${missing}: cannot read (ENOENT)`,
    ]);
    expect((e.cause as { code?: string }).code).toBe("ENOENT");
    const d = (await readFileOr(missing, null, fail).catch((x) => x)) as EdgeError;
    expect(d.hint).toBe("check the path and the file's permissions");
  });
});
