import { describe, expect, it } from "vitest";
import { documentJsonSchema, JSON_SCHEMA_DOCUMENTS } from "./json-schema.js";

describe("JSON Schema generation", () => {
  it("describes VideoPredictions files as stored", () => {
    // biome-ignore lint/suspicious/noExplicitAny: walking a JSON Schema
    const s = documentJsonSchema("video_predictions") as Record<string, any>;
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(s.type).toBe("object");
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(["metadata", "frames"]);
    const meta = s.properties.metadata;
    expect(meta.required).toEqual([
      "frame_count",
      "fps",
      "width",
      "height",
      "skeleton",
      "poses3d_unit",
      "poses3d_frame",
    ]);
    expect(meta.properties.poses3d_frame.description).toMatch(/y down/);
    const frame = s.properties.frames.additionalProperties;
    const coord = frame.properties.poses3d.items.items.items;
    expect(coord).toEqual({
      anyOf: [
        { type: "number" },
        {
          type: "string",
          enum: ["NaN", "Infinity", "-Infinity"],
          description: "A non-finite number, written as a string (JSON has no NaN / Infinity).",
        },
      ],
    });
    expect(frame.properties.visibility.description).toMatch(/visible/);
  });

  it("describes the optional provenance.models list (several models per run)", () => {
    // biome-ignore lint/suspicious/noExplicitAny: walking a JSON Schema
    const s = documentJsonSchema("video_predictions") as Record<string, any>;
    const prov = s.properties.provenance.anyOf.find((x: { type?: string }) => x.type === "object");
    expect(prov.required).not.toContain("models");
    const models = prov.properties.models;
    expect(models.type).toBe("array");
    expect(models.description).toMatch(/comma-joined/);
    expect(models.items.additionalProperties).toBe(false);
    expect(models.items.required).toEqual(["role", "name", "filename", "sha256"]);
    expect(Object.keys(models.items.properties)).toEqual([
      "role",
      "name",
      "filename",
      "sha256",
      "source_sha256",
      "source",
      "converter_version",
    ]);
    expect(models.items.properties.sha256.pattern).toBe("^[0-9a-f]{64}$");
  });

  it("generates every core document and documents every field", () => {
    for (const doc of JSON_SCHEMA_DOCUMENTS) {
      const s = documentJsonSchema(doc);
      expect(s, doc).toBeDefined();
      expect(JSON.stringify(s)).not.toContain("neuroposeFloat");
    }
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      if (n.properties && typeof n.properties === "object") {
        for (const [k, v] of Object.entries(n.properties as Record<string, unknown>)) {
          const child = v as Record<string, unknown>;
          if (!child.description && k !== "kind" && k !== "schema_version") undocumented.push(`${path}.${k}`);
          walk(v, `${path}.${k}`);
        }
      }
      for (const key of ["items", "additionalProperties", "anyOf", "oneOf", "prefixItems"]) {
        const c = n[key];
        if (Array.isArray(c)) for (const x of c) walk(x, path);
        else walk(c, path);
      }
    };
    walk(documentJsonSchema("video_predictions"), "video_predictions");
    walk(documentJsonSchema("status_file"), "status_file");
    expect(undocumented).toEqual([]);
  });
});
