import { z } from "zod";
import { documentSchema } from "./documents.js";
import { ExtractorSpecSchema, SegmentationConfigSchema } from "./segmentation.js";

/** The documents that get a JSON Schema file (`schema/<name>.schema.json` in the package). */
export const JSON_SCHEMA_DOCUMENTS = [
  "video_predictions",
  "job_results",
  "benchmark_result",
  "status_file",
  "segmentation",
  "segmentation_config",
  "extractor_spec",
  "analysis_config",
  "analysis_report",
] as const;

export type JsonSchemaDocument = (typeof JSON_SCHEMA_DOCUMENTS)[number];

const FLOAT_JSON_SCHEMA = {
  anyOf: [
    { type: "number" },
    {
      type: "string",
      enum: ["NaN", "Infinity", "-Infinity"],
      description: "A non-finite number, written as a string (JSON has no NaN / Infinity).",
    },
  ],
};

function schemaFor(doc: JsonSchemaDocument): z.ZodType {
  if (doc === "segmentation_config") return SegmentationConfigSchema;
  if (doc === "extractor_spec") return ExtractorSpecSchema;
  return documentSchema(doc);
}

/**
 * The JSON Schema (draft 2020-12) of a document as stored on disk, generated from its zod schema: it describes
 * what a file may contain (defaulted fields optional; floats may be the strings "NaN", "Infinity",
 * "-Infinity").
 *
 * @example
 * ```ts
 * import { documentJsonSchema } from "@neuropose/io";
 * const s = documentJsonSchema("video_predictions");
 * console.log(s.required); // [ 'metadata', 'frames' ]
 * ```
 */
export function documentJsonSchema(doc: JsonSchemaDocument): Record<string, unknown> {
  const out = z.toJSONSchema(schemaFor(doc), {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "any",
    override: (ctx) => {
      const meta = z.globalRegistry.get(ctx.zodSchema as unknown as z.ZodType) as
        | Record<string, unknown>
        | undefined;
      const js = ctx.jsonSchema as Record<string, unknown>;
      if (meta?.neuroposeFloat) {
        for (const k of Object.keys(js)) if (k !== "description") delete js[k];
        Object.assign(js, structuredClone(FLOAT_JSON_SCHEMA));
      }
      delete js.neuroposeFloat;
    },
  }) as Record<string, unknown>;
  return {
    $schema: out.$schema,
    title: doc,
    ...out,
  };
}
