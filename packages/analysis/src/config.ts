import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  ANALYSIS_CONFIG_UNIONS,
  type AnalysisConfig,
  AnalysisConfigSchema,
  toPydanticIssues,
} from "@neuropose/io";
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse,
  parseDocument,
  type ScalarTag,
  type Tags,
} from "yaml";
import { AnalysisConfigError, AnalysisRunError, AnalysisYamlError, type ConfigIssue } from "./errors.js";
import { checkYamlBounds, findDuplicateKey, limitError, YAML_LIMITS } from "./yaml-bounds.js";

type Key = string | number;

// PyYAML (which read the original's configs) is YAML 1.1 without the one-letter booleans y/n: `axis: y` is the
// string "y". The yaml package's 1.1 schema would read it as true, so its bool tag is replaced by PyYAML's.
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const pyBoolTag: ScalarTag = {
  identify: (v: unknown) => typeof v === "boolean",
  default: true,
  tag: "tag:yaml.org,2002:bool",
  test: PY_BOOL,
  resolve: (s: string) => /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(s),
};
const YAML_OPTIONS = {
  version: "1.1" as const,
  customTags: (tags: Tags) => [
    pyBoolTag,
    ...tags.filter((t) => (t as { tag?: string }).tag !== "tag:yaml.org,2002:bool"),
  ],
};

const SCANNER_CODES = new Set([
  "TAB_AS_INDENT",
  "BAD_SCALAR_START",
  "MISSING_CHAR",
  "BLOCK_AS_IMPLICIT_KEY",
  "BAD_DQ_ESCAPE",
  "MULTILINE_IMPLICIT_KEY",
  "UNEXPECTED_TOKEN",
]);

// The config's fixed-length arrays (pydantic tuples): a short one is reported at its first missing item.
const TUPLE_FIELDS: Key[][] = [["angle_triplets", -1], ["triplet"], ["joints"]];
function isTuple(path: Key[]): boolean {
  const last = path[path.length - 1];
  const prev = path[path.length - 2];
  return TUPLE_FIELDS.some((t) =>
    t.length === 2 ? prev === t[0] && typeof last === "number" : last === t[0] || prev === t[0],
  );
}

/** Result of {@link validateAnalysisConfig}. */
export type ConfigValidation = { ok: true; config: AnalysisConfig } | { ok: false; issues: ConfigIssue[] };

/**
 * Validate an already-parsed config object (e.g. from YAML or JSON) without throwing. Issues carry pydantic's
 * `type` and `loc` (so they can be compared with the original's) and a readable message.
 *
 * @example
 * ```ts
 * import { validateAnalysisConfig } from "@neuropose/analysis";
 * const r = validateAnalysisConfig({ inputs: { primary: "a.json" }, analysis: { kind: "none" }, output: { report: "r.json" } });
 * r.ok; // true
 * ```
 */
export function validateAnalysisConfig(value: unknown): ConfigValidation {
  const r = AnalysisConfigSchema.safeParse(value);
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    issues: toPydanticIssues(r.error.issues, value, { unions: ANALYSIS_CONFIG_UNIONS, isTuple }),
  };
}

/**
 * Validate a config object, throwing {@link AnalysisConfigError} on any problem.
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig } from "@neuropose/analysis";
 * const cfg = parseAnalysisConfig({ inputs: { primary: "a.json" }, analysis: { kind: "none" }, output: { report: "r.json" } });
 * cfg.preprocessing.person_index; // 0
 * ```
 */
export function parseAnalysisConfig(value: unknown, opts: { file?: string } = {}): AnalysisConfig {
  const r = validateAnalysisConfig(value);
  if (r.ok) return r.config;
  throw new AnalysisConfigError(r.issues, opts.file);
}

function findNode(doc: Document, field: Key[]): { node: Node | null; keyNode: Node | null; depth: number } {
  let node: unknown = doc.contents;
  let keyNode: Node | null = null;
  let depth = 0;
  for (const k of field) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof k === "number") {
      const item = node.items[k];
      if (item === undefined) break;
      keyNode = null;
      node = item;
    } else break;
    depth++;
  }
  return { node: (node as Node | null) ?? null, keyNode, depth };
}

function locate(doc: Document, lc: LineCounter, issue: ConfigIssue): void {
  const { node, keyNode, depth } = findNode(doc, issue.field);
  // Unknown keys and missing fields point at the key line; other problems at the value.
  const complete = depth === issue.field.length;
  let target: Node | null = null;
  if (complete) target = issue.type === "extra_forbidden" && keyNode ? keyNode : (node ?? keyNode);
  else target = keyNode ?? node;
  const offset = target?.range?.[0];
  if (offset === undefined) {
    if (depth === 0 && doc.contents?.range) {
      const p = lc.linePos(doc.contents.range[0]);
      issue.line = p.line;
      issue.column = p.col;
    }
    return;
  }
  const p = lc.linePos(offset);
  issue.line = p.line;
  issue.column = p.col;
}

/**
 * Parse one `--set` override, `key.path=value`, into a path and a value (the value is read as YAML, so
 * `radius=2` is a number, `invert=yes` a boolean and `references=[a.json, b.json]` a list).
 *
 * @example
 * ```ts
 * import { parseOverride } from "@neuropose/analysis";
 * parseOverride("analysis.radius=2"); // { path: ["analysis", "radius"], value: 2 }
 * ```
 */
export function parseOverride(spec: string): { path: Key[]; value: unknown } {
  const eq = spec.indexOf("=");
  if (eq <= 0) {
    throw new AnalysisConfigError(
      [
        {
          type: "value_error",
          loc: [],
          field: [],
          message: `--set expects key=value (got '${spec}')`,
          source: "--set",
        },
      ],
      undefined,
    );
  }
  const path = spec
    .slice(0, eq)
    .trim()
    .split(".")
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  const raw = spec.slice(eq + 1);
  let value: unknown;
  try {
    value = raw === "" ? "" : parse(raw, YAML_OPTIONS);
  } catch {
    value = raw;
  }
  return { path, value };
}

/** Options of {@link parseAnalysisConfigText}. */
export interface ParseConfigTextOptions {
  /** File name for error messages (`exp.yaml:12 analysis.method: ...`). */
  file?: string;
  /** `key.path=value` overrides applied after reading (like `--set`). */
  set?: string[];
}

/**
 * Parse and validate analysis YAML text. YAML syntax errors throw {@link AnalysisYamlError} with line and column;
 * validation problems throw {@link AnalysisConfigError} whose issues carry the line of the offending field.
 * YAML 1.1 is used (as PyYAML reads the original's configs), duplicate keys are rejected.
 *
 * @example
 * ```ts
 * import { parseAnalysisConfigText } from "@neuropose/analysis";
 * const cfg = parseAnalysisConfigText(
 *   "inputs: {primary: a.json, reference: b.json}\nanalysis: {kind: dtw}\noutput: {report: r.json}\n",
 *   { file: "exp.yaml", set: ["analysis.algorithm=fastdtw"] },
 * );
 * cfg.analysis.kind; // "dtw"
 * ```
 */
export function parseAnalysisConfigText(text: string, opts: ParseConfigTextOptions = {}): AnalysisConfig {
  checkYamlBounds(text, opts.file);
  const lc = new LineCounter();
  let doc: Document;
  let value: unknown;
  try {
    doc = parseDocument(text, {
      ...YAML_OPTIONS,
      lineCounter: lc,
      prettyErrors: false,
      uniqueKeys: false,
    });
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = lc.linePos(e.pos[0]);
      throw new AnalysisYamlError(e.message.split("\n")[0], {
        file: opts.file,
        line: pos.line,
        column: pos.col,
        syntax: SCANNER_CODES.has(e.code) ? "scanner" : "parser",
      });
    }
    const dup = findDuplicateKey(doc);
    if (dup) {
      const pos = lc.linePos(dup.range?.[0] ?? 0);
      throw new AnalysisYamlError("Map keys must be unique", {
        file: opts.file,
        line: pos.line,
        column: pos.col,
        syntax: "parser",
      });
    }
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliases }) ?? {};
  } catch (e) {
    if (e instanceof AnalysisYamlError) throw e;
    // The YAML library refuses alias bombs with a ReferenceError and overflows its stack on deep block nesting:
    // both are properties of the file, not bugs.
    if (e instanceof ReferenceError && /alias count/i.test(e.message)) {
      throw limitError(
        "aliases expand to too many nodes (an alias bomb?); refusing to expand them",
        opts.file,
        "write the values out instead of repeating anchors",
      );
    }
    if (e instanceof ReferenceError) {
      // e.g. "Unresolved alias (the anchor must be set before the alias): t"
      throw new AnalysisYamlError(e.message.split("\n")[0] as string, { file: opts.file, syntax: "parser" });
    }
    if (e instanceof RangeError) {
      throw limitError("the document is nested too deeply to read", opts.file, "flatten the YAML");
    }
    throw e;
  }
  const overridden = new Map<string, string>();
  for (const spec of opts.set ?? []) {
    const { path, value: v } = parseOverride(spec);
    if (value === null || typeof value !== "object" || Array.isArray(value)) value = {};
    let node = value as Record<Key, unknown>;
    for (const k of path.slice(0, -1)) {
      const next = node[k];
      if (next === null || typeof next !== "object") node[k] = {};
      node = node[k] as Record<Key, unknown>;
    }
    node[path[path.length - 1]] = v;
    overridden.set(path.join("."), `--set ${spec}`);
  }
  const r = validateAnalysisConfig(value);
  if (r.ok) return r.config;
  for (const issue of r.issues) {
    const key = issue.field.join(".");
    const src = [...overridden.keys()].find((k) => key === k || key.startsWith(`${k}.`));
    if (src !== undefined) issue.source = overridden.get(src);
    else locate(doc, lc, issue);
  }
  throw new AnalysisConfigError(r.issues, opts.file);
}

/**
 * Read and validate an analysis YAML file (see {@link parseAnalysisConfigText}); returns the config and the
 * file's text (for hashing into the report's provenance).
 *
 * @example
 * ```ts
 * import { readAnalysisConfig } from "@neuropose/analysis";
 * const { config } = await readAnalysisConfig("examples/analysis/minimal.yaml");
 * ```
 */
export async function readAnalysisConfig(
  file: string,
  opts: { set?: string[]; displayName?: string } = {},
): Promise<{ config: AnalysisConfig; text: string }> {
  let text: string;
  try {
    // A file over the size bound is refused before it is read (a YAML config is never megabytes).
    const size = (await stat(file)).size;
    if (size > YAML_LIMITS.maxBytes) {
      throw limitError(
        `the file has ${size} bytes; analysis YAML is limited to ${YAML_LIMITS.maxBytes}`,
        opts.displayName ?? file,
        "an analysis config is a short YAML file; check that this is the right file",
      );
    }
    text = await readFile(file, "utf8");
  } catch (e) {
    if (e instanceof AnalysisYamlError) throw e;
    throw new AnalysisRunError(
      "E_CONFIG_READ",
      `cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        path: opts.displayName ?? file,
        hint: `check the path of the YAML file (looked for ${resolve(file)})`,
      },
    );
  }
  const parseOpts: ParseConfigTextOptions = { file: opts.displayName ?? file };
  if (opts.set) parseOpts.set = opts.set;
  return { config: parseAnalysisConfigText(text, parseOpts), text };
}
