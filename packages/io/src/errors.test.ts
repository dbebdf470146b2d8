import { describe, expect, it } from "vitest";
import { migrateAndValidate } from "./documents.js";
import {
  FutureSchemaError,
  isNeuroPoseError,
  JsonParseError,
  MigrationError,
  MigrationNotFoundError,
  NeuroPoseError,
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
});
