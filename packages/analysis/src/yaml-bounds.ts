// Bounds on analysis YAML, checked before the YAML library builds anything (size, aliases, keys, bracket depth),
// and the linear duplicate-key check used instead of the library's quadratic one.
import { CST, type Document, isScalar, Lexer, type Node, visit } from "yaml";
import { AnalysisYamlError } from "./errors.js";

/**
 * Bounds checked on analysis YAML before it is parsed. An analysis config is a few hundred bytes; these leave
 * room for cohorts of thousands of files while refusing alias bombs, million-key mappings and deep nesting in
 * linear time, before the YAML library builds anything.
 */
export const YAML_LIMITS = Object.freeze({
  /** Size of the text in bytes (UTF-8). */
  maxBytes: 1024 * 1024,
  /** Aliases (`*name`) in the text; each expansion is also bounded when the document is converted. */
  maxAliases: 100,
  /** Mapping keys in the whole document. */
  maxKeys: 10_000,
  /** Nesting of flow collections (`[` / `{`). */
  maxDepth: 64,
});

export function limitError(message: string, file: string | undefined, hint: string): AnalysisYamlError {
  return new AnalysisYamlError(message, { file, syntax: "parser", code: "E_ANALYSIS_YAML_LIMIT", hint });
}

/** Refuse text over {@link YAML_LIMITS}: one pass over the lexer's tokens, stopping at the first bound exceeded. */
export function checkYamlBounds(text: string, file: string | undefined): void {
  const hint = "an analysis config is a short YAML file; check that this is the right file";
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > YAML_LIMITS.maxBytes) {
    throw limitError(
      `the file has ${bytes} bytes; analysis YAML is limited to ${YAML_LIMITS.maxBytes}`,
      file,
      hint,
    );
  }
  let aliases = 0;
  let keys = 0;
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === "alias") {
      if (++aliases > YAML_LIMITS.maxAliases)
        throw limitError(
          `more than ${YAML_LIMITS.maxAliases} aliases (*name); refusing to expand them`,
          file,
          "write the values out instead of repeating anchors",
        );
    } else if (type === "map-value-ind" || type === "explicit-key-ind") {
      if (++keys > YAML_LIMITS.maxKeys)
        throw limitError(`more than ${YAML_LIMITS.maxKeys} mapping keys`, file, hint);
    } else if (type === "flow-map-start" || type === "flow-seq-start") {
      if (++depth > YAML_LIMITS.maxDepth)
        throw limitError(`brackets nested deeper than ${YAML_LIMITS.maxDepth} levels`, file, hint);
    } else if (type === "flow-map-end" || type === "flow-seq-end") {
      depth = Math.max(0, depth - 1);
    }
  }
}

/**
 * Duplicate keys in any mapping, found with one set per mapping (linear; the YAML library's `uniqueKeys`
 * compares every pair of keys, quadratic in the keys of a mapping). Aliases are not followed.
 */
export function findDuplicateKey(doc: Document): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const id = `${typeof pair.key.value}:${String(pair.key.value)}`;
        if (seen.has(id)) {
          found = pair.key;
          return visit.BREAK;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return found;
}
