import { NeuroPoseError, type NeuroPoseErrorOptions, type PydanticIssue } from "@neuropose/io";

/**
 * Stable error codes raised by @neuropose/analysis (errors of dtw, kinematics, segment and io pass through with
 * their own codes).
 */
export type AnalysisErrorCode =
  | "E_ANALYSIS_CONFIG"
  | "E_ANALYSIS_YAML"
  | "E_ANALYSIS_INPUT"
  | "E_CONFIG_READ"
  | "E_INPUT_GLOB"
  | "E_INPUT_MISSING"
  | "E_SKELETON_UNKNOWN"
  | "E_JOINT_UNKNOWN"
  | "E_JOINT_SKELETON_MISMATCH"
  | "E_ABORTED"
  | "E_ANALYSIS_WORKER";

/** One config problem, located both the pydantic way (`loc`, `type`) and in the YAML file (`line`, `column`). */
export interface ConfigIssue extends PydanticIssue {
  /** 1-based line in the YAML file, when known. */
  line?: number | undefined;
  /** 1-based column in the YAML file, when known. */
  column?: number | undefined;
  /** Where the value came from when not from the file, e.g. "--set analysis.method=x". */
  source?: string | undefined;
}

/**
 * An analysis config that does not validate. `issues` lists every problem; the message names the first one as
 * `<file>:<line> <field>: <problem>` so a CLI can print it on one `error:` line.
 *
 * @example
 * ```ts
 * import { AnalysisConfigError, parseAnalysisConfigText } from "@neuropose/analysis";
 * try { parseAnalysisConfigText("inputs: {primary: a.json}\n", { file: "exp.yaml" }); }
 * catch (e) { if (e instanceof AnalysisConfigError) console.log(e.issues[0].loc); }
 * ```
 */
export class AnalysisConfigError extends NeuroPoseError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], file: string | undefined) {
    const first = issues[0];
    const where = first?.source ?? (file ? (first?.line ? `${file}:${first.line}` : file) : undefined);
    const field = first && first.field.length > 0 ? first.field.join(".") : "(config)";
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    super("E_ANALYSIS_CONFIG", `${first?.message ?? "invalid config"}${more}`, {
      path: where ? `${where} ${field}` : field,
      hint: "see examples/analysis/*.yaml and the @neuropose/analysis README for every key",
      kind: "user",
    });
    this.issues = issues;
  }
}

/**
 * A YAML file that cannot be parsed at all. `syntax` says whether a YAML scanner ("scanner": bad characters,
 * tabs, quotes) or the parser ("parser": structure) rejected it, as PyYAML's ScannerError / ParserError do.
 *
 * @example
 * ```ts
 * import { AnalysisYamlError, parseAnalysisConfigText } from "@neuropose/analysis";
 * try { parseAnalysisConfigText("inputs:\n\tprimary: a.json\n"); } catch (e) { (e as AnalysisYamlError).syntax; }
 * ```
 */
export class AnalysisYamlError extends NeuroPoseError {
  readonly syntax: "scanner" | "parser";
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(
    message: string,
    opts: {
      file?: string | undefined;
      line?: number;
      column?: number;
      syntax: "scanner" | "parser";
      /** `E_ANALYSIS_YAML_LIMIT`: the text exceeds a bound checked before parsing (size, aliases, keys, depth). */
      code?: "E_ANALYSIS_YAML" | "E_ANALYSIS_YAML_LIMIT";
      hint?: string;
    },
  ) {
    const where = opts.file ?? "<yaml>";
    super(opts.code ?? "E_ANALYSIS_YAML", message, {
      path: opts.line ? `${where}:${opts.line}:${opts.column ?? 1}` : where,
      hint: opts.hint ?? "fix the YAML syntax (indent with spaces, close brackets and quotes)",
      kind: "user",
    });
    this.syntax = opts.syntax;
    this.line = opts.line;
    this.column = opts.column;
  }
}

/**
 * An analysis that cannot run on these inputs (mismatched frame counts with time_normalize: never, a trial
 * without the requested person, no file matching a glob, ...).
 *
 * @example
 * ```ts
 * import { AnalysisRunError } from "@neuropose/analysis";
 * new AnalysisRunError("E_ANALYSIS_INPUT", "no file matches refs/*.json", { path: "exp.yaml" });
 * ```
 */
export class AnalysisRunError extends NeuroPoseError {
  /** One of {@link AnalysisErrorCode}, or the code of a wrapped error from dtw, kinematics, segment or io. */
  constructor(code: AnalysisErrorCode | (string & {}), message: string, options: NeuroPoseErrorOptions = {}) {
    super(code, message, options);
  }
}
