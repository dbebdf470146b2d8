import { dirname, resolve } from "node:path";
import {
  type AnalysisProgress,
  planAnalysis,
  readAnalysisConfig,
  runAnalysis,
  writeAnalysisOutputs,
} from "@neuropose/analysis";
import {
  type CliSettings,
  cliLogger,
  createProgress,
  LOG_OPTIONS,
  type Progress,
  runCliWithArgs,
  settingsFromFlags,
  UsageError,
  usageFailure,
} from "@neuropose/cli-kit";
import { stringifyJson } from "@neuropose/io";
import { stringify as toYaml } from "yaml";
import yargs from "yargs";

/** Where the CLI writes (injectable for tests). */
export interface CliStreams {
  stdout: { write(chunk: string): unknown };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

interface Args {
  config: string;
  set: string[];
  output?: string | undefined;
  html?: string | undefined;
  dryRun: boolean;
  json: boolean;
  threads?: number | undefined;
  quiet: boolean;
  /** Log level (`--quiet`: warn) and format: flags, then settings (cli-kit's settingsFromFlags). */
  log: Pick<CliSettings, "logLevel" | "logFormat">;
}

function parseArgs(argv: string[]): Args {
  const parsed = yargs(argv)
    .scriptName("neuropose-analyze")
    .usage(
      "$0 <config.yaml> [options]\n\nRun one analysis (load → align → segment → DTW or statistics → report) from a YAML file.",
    )
    .command("$0 [config]", false, (y) =>
      y.positional("config", { type: "string", describe: "analysis YAML (inputs resolve relative to it)" }),
    )
    .option("set", {
      type: "string",
      requiresArg: true,
      describe: "override a config key: --set analysis.algorithm=fastdtw",
    })
    .option("output", {
      alias: "o",
      type: "string",
      describe: "report path (default: output.report of the YAML, relative to it)",
    })
    .option("html", { type: "string", describe: "also write a self-contained HTML page here" })
    .option("dry-run", {
      type: "boolean",
      default: false,
      describe: "print the resolved config and inputs, run nothing",
    })
    .option("json", { type: "boolean", default: false, describe: "print a JSON summary on stdout" })
    .option("threads", {
      type: "number",
      describe: "worker threads for cohorts and reference sets (default: NEUROPOSE_THREADS, else every core)",
    })
    .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no progress, warnings only" })
    .options(LOG_OPTIONS)
    .example("$0 exp.yaml", "run and write the report named in exp.yaml")
    .example(
      "$0 exp.yaml --set analysis.algorithm=fastdtw --json",
      "the original's fastdtw numbers, JSON summary",
    )
    .example("$0 exp.yaml --dry-run", "show the resolved config")
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail(usageFailure("neuropose-analyze --help"))
    .parseSync();
  const positional = [
    ...(parsed.config === undefined ? [] : [String(parsed.config)]),
    ...parsed._.map(String),
  ];
  // --help: yargs printed the usage (exitProcess is off); nothing else to do.
  if (argv.includes("--help") || argv.includes("-h"))
    return {
      config: "",
      set: [],
      dryRun: false,
      json: false,
      quiet: true,
      log: { logLevel: "silent", logFormat: "human" },
    };
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length === 0
        ? "name the analysis YAML file"
        : `expected one YAML file, got ${positional.length}`,
      { hint: "neuropose-analyze exp.yaml" },
    );
  }
  if (parsed.threads !== undefined && !(Number.isInteger(parsed.threads) && parsed.threads >= 1)) {
    throw new UsageError(`--threads must be a positive integer (got ${parsed.threads})`);
  }
  return {
    config: positional[0] as string,
    // Repeated --set flags arrive as an array (not greedy: `--set k=v exp.yaml` keeps exp.yaml positional).
    set: ([] as unknown[]).concat(parsed.set ?? []).map(String),
    output: parsed.output,
    html: parsed.html,
    dryRun: parsed["dry-run"],
    json: parsed.json,
    quiet: parsed.quiet,
    // Flags win; otherwise the settings (NEUROPOSE_LOG_LEVEL / _LOG_FORMAT / _THREADS, config file, defaults);
    // threads: --threads, else NEUROPOSE_THREADS / the config file, else undefined (the analysis uses every core).
    ...(() => {
      const resolved = settingsFromFlags({
        "log-level": parsed["log-level"],
        "log-format": parsed["log-format"],
        quiet: parsed.quiet,
        threads: parsed.threads,
      });
      return {
        log: { logLevel: resolved.logLevel, logFormat: resolved.logFormat },
        threads: resolved.settings.threads,
      };
    })(),
  };
}

/**
 * The `neuropose-analyze` program without process plumbing: parses `argv`, runs, writes, prints. Returns the
 * exit code; throws for errors (use {@link main} for exit codes and the `error:` line). Meant for embedding,
 * e.g. as the `neuropose analyze` subcommand.
 *
 * @example
 * ```ts
 * import { analyzeCli } from "@neuropose/neuropose-analyze";
 * await analyzeCli(["exp.yaml", "--dry-run"], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function analyzeCli(argv: string[], streams: CliStreams, signal?: AbortSignal): Promise<number> {
  const args = parseArgs(argv);
  if (args.config === "") return 0;
  const started = Date.now();
  const logger = cliLogger(args.log, streams.stderr);
  const configPath = resolve(args.config);
  const { config, text } = await readAnalysisConfig(configPath, { set: args.set, displayName: args.config });
  const baseDir = dirname(configPath);
  const reportPath =
    args.output !== undefined ? resolve(args.output) : resolve(baseDir, config.output.report);
  const htmlOut = args.html ?? undefined;
  const htmlPath =
    htmlOut !== undefined
      ? resolve(htmlOut)
      : config.output.html
        ? resolve(baseDir, config.output.html)
        : undefined;

  if (args.dryRun) {
    // runAnalysis plans (defaults, globs) itself; only the dry run needs the plan here.
    const plan = await planAnalysis(config, { baseDir });
    const out = {
      config: plan.config,
      base_dir: plan.baseDir,
      inputs: plan.inputs,
      outputs: { report: reportPath, html: htmlPath ?? null },
    };
    streams.stdout.write(args.json ? `${stringifyJson(out, { indent: 2 })}\n` : toYaml(out));
    return 0;
  }

  let bar: Progress | undefined;
  let stage = "";
  const showProgress = !args.quiet && !args.json && Boolean(streams.stderr.isTTY);
  const onProgress = (p: AnalysisProgress) => {
    if (!showProgress) return;
    if (p.stage !== stage) {
      bar?.stop();
      stage = p.stage;
      bar = createProgress({
        label: p.stage,
        total: p.total,
        unit: p.stage === "load" ? "files" : "pairs",
        stream: streams.stderr,
      });
    }
    bar?.update(p.done, p.label ? { detail: p.label } : undefined);
  };
  let run: Awaited<ReturnType<typeof runAnalysis>>;
  try {
    run = await runAnalysis(config, {
      baseDir,
      configPath,
      configText: text,
      onProgress,
      logger,
      ...(signal ? { signal } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
    });
  } finally {
    bar?.stop();
  }
  logger.debug("writing outputs", { report: reportPath, ...(htmlPath ? { html: htmlPath } : {}) });
  await writeAnalysisOutputs(run, { report: reportPath, html: htmlPath }, { signal });
  const results = run.report.results as Record<string, unknown>;
  logger.info("report written", { report: reportPath, ...(htmlPath ? { html: htmlPath } : {}) });
  if (args.json) {
    const summary = {
      ok: true,
      report: reportPath,
      html: htmlPath ?? null,
      kind: results.kind,
      method: results.method ?? null,
      algorithm: results.algorithm ?? null,
      segment_labels: results.segment_labels ?? results.labels ?? [],
      distances: results.distances ?? null,
      summary: results.summary ?? null,
      summary_scope: results.summary_scope ?? null,
      overall_summary: results.overall_summary ?? null,
      distance_unit: results.distance_unit ?? null,
      angle_names: results.angle_names ?? null,
      warnings: (run.report as { warnings?: string[] }).warnings ?? [],
      references: (results.comparisons as { reference: string; summary: unknown }[] | undefined)?.map(
        (c) => ({
          reference: c.reference,
          summary: c.summary,
        }),
      ),
      notes: results.notes ?? [],
      // analysis.kind gait: each reference's differences in sentences (the numbers are in the report).
      ...(results.kind === "gait"
        ? {
            statements: ((results.comparisons as { statements: string[] }[] | undefined) ?? []).flatMap(
              (c) => c.statements,
            ),
          }
        : {}),
      inputs: run.report.analysis_provenance?.inputs ?? [],
      seconds: (Date.now() - started) / 1000,
    };
    streams.stdout.write(`${stringifyJson(summary, { indent: 2 })}\n`);
  }
  return 0;
}

/**
 * Entry point of the `neuropose-analyze` binary: exit 0 on success, 2 with one `error:` line for user errors
 * (bad YAML, missing input, ...), 1 for unexpected failures. With `--json`, failures also print
 * `{"ok": false, "error": {...}}` on stdout.
 *
 * @example
 * ```ts
 * import { main } from "@neuropose/neuropose-analyze";
 * const code = await main(["examples/analysis/minimal.yaml", "--json"]);
 * ```
 */
export async function main(
  argv: string[],
  streams: CliStreams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  return runCliWithArgs(argv, streams, analyzeCli);
}
