import { NeuroPoseError } from "@neuropose/io";

/**
 * Substitute `{a.b}` placeholders from a nested object (the config's `file_name_template`,
 * `session_description_template`, `qc.out_template`). An unknown placeholder is an error naming it — the
 * reference pipeline wrote the template itself as the file name.
 *
 * @example
 * ```ts
 * import { expandTemplate } from "@neuropose/session";
 * console.log(expandTemplate("{session.id}.nwb", { session: { id: "Session-000001" } })); // Session-000001.nwb
 * ```
 */
export function expandTemplate(template: string, values: Record<string, unknown>, key = "template"): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (_m, path: string) => {
    let v: unknown = values;
    for (const p of path.split("."))
      v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
    if (v === undefined || v === null || typeof v === "object")
      throw new NeuroPoseError("E_SESSION_CONFIG", `${key}: unknown placeholder {${path}} in "${template}"`, {
        kind: "user",
        hint: "use placeholders such as {session.id}, {session.date}, {session.subject_id}",
      });
    return String(v);
  });
}
