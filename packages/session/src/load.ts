import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { formatJsonPath, NeuroPoseError, toValidationIssues } from "@neuropose/io";
import type { z } from "zod";
import { lineOf, parseOverrideValue, parseToml } from "./_toml.js";
import { type PipelineConfig, PipelineConfigSchema, type SessionFile, SessionFileSchema } from "./config.js";

/** One problem in a TOML document: where (file, line, key) and what. */
export interface ConfigIssue {
  file: string;
  /** 1-based line; 0 when the key is absent from the file (a missing required key) or came from `--set`. */
  line: number;
  key: string;
  message: string;
}

/**
 * A config or session file that cannot be used: a TOML syntax error, an unknown key, a wrong value, a missing
 * required key, or a bad `--set`. The message is `file:line key: message` for the first problem; `issues` holds
 * all of them. Code `E_SESSION_CONFIG`, kind "user".
 *
 * @example
 * ```ts
 * import { parsePipelineConfig, SessionConfigError } from "@neuropose/session";
 * try {
 *   parsePipelineConfig('[project]\nname = "x"\n[timebase]\nsource = "gps"\n', { file: "config.toml" });
 * } catch (e) {
 *   if (e instanceof SessionConfigError) console.log(e.message); // config.toml:4 timebase.source: …
 * }
 * ```
 */
export class SessionConfigError extends NeuroPoseError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], hint?: string) {
    const first = issues[0] as ConfigIssue;
    const where = first.line > 0 ? `${first.file}:${first.line}` : first.file;
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    super("E_SESSION_CONFIG", `${where} ${first.key}: ${first.message}${more}`, {
      path: first.file,
      kind: "user",
      hint: hint ?? "fix the key named above (see the example config in the @neuropose/session README)",
    });
    this.issues = issues;
  }
}

/** Options for the parse/load functions. */
export interface ParseOptions {
  /** File name used in messages (default "config.toml" / "session.toml"). */
  file?: string;
  /** Overrides `dotted.key=value`, applied after the file is read and before validation (TOML values). */
  set?: readonly string[];
}

/** A validated document, the text it came from and its sha256 (for provenance and the stage cache). */
export interface Loaded<T> {
  value: T;
  file: string;
  sha256: string;
  /** The overrides that were applied, as given. */
  overrides: string[];
}

function applyOverrides(value: Record<string, unknown>, set: readonly string[], file: string): void {
  for (const item of set) {
    const eq = item.indexOf("=");
    const key = eq > 0 ? item.slice(0, eq).trim() : "";
    if (!key)
      throw new SessionConfigError(
        [{ file: "--set", line: 0, key: item, message: "expected key=value, e.g. timebase.source=ttl" }],
        "write --set section.key=value",
      );
    const parts = key.split(".");
    let obj: Record<string, unknown> = value;
    for (const p of parts.slice(0, -1)) {
      const next = obj[p];
      if (next === undefined) obj[p] = {};
      else if (typeof next !== "object" || next === null || Array.isArray(next))
        throw new SessionConfigError([
          { file, line: 0, key, message: `--set cannot go inside "${p}", which is not a table` },
        ]);
      obj = obj[p] as Record<string, unknown>;
    }
    obj[parts[parts.length - 1] as string] = parseOverrideValue(item.slice(eq + 1).trim());
  }
}

function parseWith<S extends z.ZodType>(
  schema: S,
  text: string,
  options: ParseOptions,
  defaultFile: string,
): Loaded<z.output<S>> {
  const file = options.file ?? defaultFile;
  const r = parseToml(text);
  if (!r.ok)
    throw new SessionConfigError(
      [{ file, line: r.line, key: "(syntax)", message: r.message }],
      "fix the TOML syntax at that line",
    );
  const set = options.set ?? [];
  applyOverrides(r.parsed.value, set, file);
  const overridden = new Set(set.map((s) => s.slice(0, Math.max(0, s.indexOf("="))).trim()));
  const result = schema.safeParse(r.parsed.value, { reportInput: true });
  if (!result.success) {
    const issues = toValidationIssues(result.error.issues).map((i): ConfigIssue => {
      const key = formatJsonPath(i.path).replace(/\[(\d+)\]/g, ".$1");
      const fromSet = [...overridden].some((o) => key === o || key.startsWith(`${o}.`));
      return {
        file: fromSet ? "--set" : file,
        line: fromSet ? 0 : lineOf(r.parsed.lines, i.path),
        key,
        message: i.message,
      };
    });
    throw new SessionConfigError(issues);
  }
  return {
    value: result.data,
    file,
    sha256: createHash("sha256").update(text).digest("hex"),
    overrides: [...set],
  };
}

/**
 * Parse and validate a pipeline config (config.toml) from its text.
 *
 * @example
 * ```ts
 * import { parsePipelineConfig } from "@neuropose/session";
 * const { value } = parsePipelineConfig('[project]\nname = "lab"\n', { set: ["timebase.mapping=linear"] });
 * console.log(value.timebase.mapping, value.verification.mismatch_tolerance_frames); // linear 0
 * ```
 */
export function parsePipelineConfig(text: string, options: ParseOptions = {}): Loaded<PipelineConfig> {
  return parseWith(PipelineConfigSchema, text, options, "config.toml");
}

/**
 * Parse and validate a session file (session.toml) from its text.
 *
 * @example
 * ```ts
 * import { parseSessionFile } from "@neuropose/session";
 * const { value } = parseSessionFile('[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n');
 * console.log(value.session.id, value.cameras.length); // S1 0
 * ```
 */
export function parseSessionFile(text: string, options: ParseOptions = {}): Loaded<SessionFile> {
  return parseWith(SessionFileSchema, text, options, "session.toml");
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new NeuroPoseError("E_SESSION_CONFIG", `cannot read the ${what} ${path} (${code ?? String(err)})`, {
      path,
      kind: "user",
      hint: code === "ENOENT" ? `check the path of the ${what}` : undefined,
      cause: err,
    });
  }
}

/**
 * Read and validate a pipeline config file.
 *
 * @example
 * ```ts
 * import { loadPipelineConfig } from "@neuropose/session";
 * import { writeFileSync, mkdirSync } from "node:fs";
 * mkdirSync("/tmp/neuropose-example", { recursive: true });
 * writeFileSync("/tmp/neuropose-example/config.toml", '[project]\nname = "lab"\n');
 * const { value, sha256 } = await loadPipelineConfig("/tmp/neuropose-example/config.toml");
 * console.log(value.project.name, sha256.length); // lab 64
 * ```
 */
export async function loadPipelineConfig(
  path: string,
  options: ParseOptions = {},
): Promise<Loaded<PipelineConfig>> {
  return parsePipelineConfig(await readText(path, "pipeline config"), { file: path, ...options });
}

/**
 * Read and validate a session.toml file.
 *
 * @example
 * ```ts
 * import { loadSessionFile } from "@neuropose/session";
 * import { writeFileSync, mkdirSync } from "node:fs";
 * mkdirSync("/tmp/neuropose-example", { recursive: true });
 * writeFileSync("/tmp/neuropose-example/session.toml", '[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n');
 * const { value } = await loadSessionFile("/tmp/neuropose-example/session.toml");
 * console.log(value.session.subject_id); // m1
 * ```
 */
export async function loadSessionFile(
  path: string,
  options: ParseOptions = {},
): Promise<Loaded<SessionFile>> {
  return parseSessionFile(await readText(path, "session file"), { file: path, ...options });
}

/**
 * Check what only the pair can tell: the config's `timebase.ttl_id` names a TTL of the session. Throws
 * {@link SessionConfigError}.
 *
 * @example
 * ```ts
 * import { checkConfigAgainstSession, parsePipelineConfig, parseSessionFile } from "@neuropose/session";
 * const c = parsePipelineConfig('[project]\nname = "x"\n').value;
 * const s = parseSessionFile('[session]\nid = "S"\nsubject_id = "m"\ndate = "2025-01-01"\n').value;
 * checkConfigAgainstSession(c, s); // nominal rate: nothing to check
 * ```
 */
export function checkConfigAgainstSession(
  config: PipelineConfig,
  session: SessionFile,
  configFile = "config.toml",
): void {
  if (config.timebase.source === "ttl") {
    const ids = session.TTLs.map((t) => t.id);
    if (!ids.includes(config.timebase.ttl_id as string))
      throw new SessionConfigError([
        {
          file: configFile,
          line: 0,
          key: "timebase.ttl_id",
          message: `"${config.timebase.ttl_id}" is not a [[TTLs]] id of session ${session.session.id} (known: ${ids.join(", ") || "none"})`,
        },
      ]);
  }
}
