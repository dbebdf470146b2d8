import { spawn } from "node:child_process";
import { resolve } from "node:path";
import {
  type CliSettings,
  type CommonFlags,
  cliLogger,
  formatError,
  LOG_OPTIONS,
  runCliWithArgs,
  settingsFromFlags,
  usageFailure,
} from "@neuropose/cli-kit";
import { loadSettings, NeuroPoseError, stringifyJson } from "@neuropose/io";
import yargs from "yargs";

/** Where the CLI writes (injectable for tests). */
export interface CliStreams {
  stdout: { write(chunk: string): unknown };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

interface Common {
  json: boolean;
  quiet: boolean;
  /** Settings, log level (`--quiet`: warn) and format: flags, then NEUROPOSE_*, config file (cli-kit's settingsFromFlags). */
  log: Pick<CliSettings, "logLevel" | "logFormat"> & Partial<Pick<CliSettings, "settings">>;
}

interface SessionArgs {
  sessionDir: string;
  config: string;
  output?: string;
  root?: string;
  set: string[];
  force: boolean;
}

type Parsed =
  | ({ command: "help" } & Common)
  | ({ command: "build" } & SessionArgs & Common)
  | ({ command: "plan" } & SessionArgs & Common)
  | ({ command: "qc"; interim: string; output?: string } & Common)
  | ({ command: "validate"; nwb: string; inspector?: string } & Common);

const USAGE = `$0 <command> [options]

From a recorded session folder to a validated NWB file and a QC page (config.toml + session.toml).`;

function parseArgs(argv: string[]): Parsed {
  let chosen: Parsed | undefined;
  const common = (a: Record<string, unknown>): Common => ({
    json: Boolean(a.json),
    quiet: Boolean(a.quiet),
    log: settingsFromFlags({
      "log-level": a["log-level"] as CommonFlags["log-level"],
      "log-format": a["log-format"] as CommonFlags["log-format"],
      quiet: Boolean(a.quiet),
    }),
  });
  const sessionArgs = (y: ReturnType<typeof yargs>) =>
    y
      .positional("session-dir", {
        type: "string",
        describe: "the recorded session folder (holds session.toml)",
      })
      .option("config", {
        alias: "c",
        type: "string",
        demandOption: true,
        describe: "the pipeline config (config.toml)",
      })
      .option("set", { type: "string", requiresArg: true, describe: "override a config key: --set k=v" })
      .option("root", {
        type: "string",
        describe: "root of data/interim, data/processed, qc (default: the config's folder)",
      });
  const pick = (a: Record<string, unknown>, command: "build" | "plan") => {
    chosen = {
      command,
      sessionDir: String(a["session-dir"]),
      config: String(a.config),
      ...(a.output !== undefined ? { output: String(a.output) } : {}),
      ...(a.root !== undefined ? { root: String(a.root) } : {}),
      // Repeated --set flags arrive as an array.
      set: ([] as unknown[]).concat(a.set ?? []).map(String),
      force: Boolean(a.force),
      ...common(a),
    };
  };
  yargs(argv)
    .scriptName("neuropose-session")
    .usage(USAGE)
    .command(
      "build <session-dir>",
      "run every stage: ingest → sync → (transcode) → events → pose → facemap → NWB → validate → QC",
      (y) =>
        sessionArgs(y as never)
          .option("output", {
            alias: "o",
            type: "string",
            describe: "the NWB file (default from the config)",
          })
          .option("force", { type: "boolean", default: false, describe: "redo stages even when unchanged" }),
      (a) => pick(a as never, "build"),
    )
    .command(
      "plan <session-dir>",
      "dry run: what would be read, what is missing, where outputs go (writes nothing)",
      (y) =>
        sessionArgs(y as never).option("output", {
          alias: "o",
          type: "string",
          describe: "the NWB file (default from the config)",
        }),
      (a) => pick(a as never, "plan"),
    )
    .command(
      "qc <interim-dir>",
      "re-render the QC page from a built session's interim folder and its stage summaries",
      (y) =>
        y.positional("interim-dir", { type: "string", describe: "data/interim/<session>" }).option("output", {
          alias: "o",
          type: "string",
          describe: "folder of the page (default: as built)",
        }),
      (a) => {
        chosen = {
          command: "qc",
          interim: String(a["interim-dir"]),
          ...(a.output !== undefined ? { output: String(a.output) } : {}),
          ...common(a as never),
        };
      },
    )
    .command(
      "validate <nwb>",
      "check an NWB file with our structural validator (and pynwb + nwbinspector with --inspector)",
      (y) =>
        y.positional("nwb", { type: "string" }).option("inspector", {
          type: "string",
          describe: "path of tools/nwb-validator/validate.sh: also run pynwb + nwbinspector (DANDI config)",
        }),
      (a) => {
        chosen = {
          command: "validate",
          nwb: String(a.nwb),
          ...(a.inspector !== undefined ? { inspector: String(a.inspector) } : {}),
          ...common(a as never),
        };
      },
    )
    .option("json", { type: "boolean", default: false, describe: "print a JSON result on stdout" })
    .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no progress, warnings only" })
    .options(LOG_OPTIONS)
    .example("$0 build data/raw/S1 -c config.toml", "build S1: NWB in data/processed/S1, QC page in qc/S1")
    .example("$0 plan data/raw/S1 -c config.toml", "what would be read, what is missing")
    .example("$0 qc data/interim/S1", "re-render the QC page")
    .example("$0 validate data/processed/S1/S1.nwb", "structural validation")
    .strict()
    .demandCommand(1, "name a command: build, plan, qc or validate")
    .recommendCommands()
    .help()
    .version(false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail(usageFailure("neuropose-session --help"))
    .parseSync();
  if (argv.includes("--help") || argv.includes("-h") || !chosen)
    return { command: "help", json: false, quiet: true, log: { logLevel: "silent", logFormat: "human" } };
  return chosen;
}

// The session library loads h5wasm, parquet and ONNX readers: imported only when a command needs it.
const sessionLib = () => import("@neuropose/session");

function runInspector(
  script: string,
  nwb: string,
  signal?: AbortSignal,
): Promise<{ code: number; out: string }> {
  return new Promise((done, reject) => {
    const child = spawn("bash", [script, nwb, "--strict", "--dandi"], {
      stdio: ["ignore", "pipe", "pipe"],
      ...(signal ? { signal } : {}),
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("error", (e) =>
      reject(
        new NeuroPoseError("E_SESSION_INSPECTOR", `cannot run ${script}: ${e.message}`, {
          path: script,
          kind: "user",
          hint: "build the validator with tools/nwb-validator/setup.sh, or leave out --inspector",
          cause: e,
        }),
      ),
    );
    child.on("close", (code) => done({ code: code ?? 1, out }));
  });
}

/**
 * The `neuropose-session` program without process plumbing: parses `argv`, runs one command, prints. Returns the
 * exit code; throws for errors (use {@link main} for exit codes and the `error:` line). Meant for embedding, e.g.
 * as `neuropose session …`.
 *
 * @example
 * ```ts
 * import { sessionCli } from "@neuropose/neuropose-session";
 * await sessionCli(["--help"], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function sessionCli(argv: string[], streams: CliStreams, signal?: AbortSignal): Promise<number> {
  const args = parseArgs(argv);
  if (args.command === "help") return 0;
  const started = Date.now();
  const logger = cliLogger(args.log, streams.stderr);
  const print = (v: unknown) => streams.stdout.write(`${stringifyJson(v, { indent: 2 })}\n`);

  if (args.command === "plan") {
    const { planSession } = await sessionLib();
    const plan = await planSession({
      sessionDir: args.sessionDir,
      configPath: args.config,
      set: args.set,
      ...(args.output ? { output: args.output } : {}),
      ...(args.root ? { root: args.root } : {}),
    });
    if (args.json) print({ ok: plan.missing.length === 0, ...plan });
    else {
      const w = (s: string) => streams.stdout.write(`${s}\n`);
      w(`session ${plan.sessionId} (${plan.sessionDir})`);
      for (const i of plan.inputs)
        w(
          `  ${i.missing ? "MISSING" : "read   "} ${i.key} = "${i.pattern}"${i.missing ? "" : `: ${i.files.map((f) => f.path).join(", ")}`}`,
        );
      w("stages:");
      for (const s of plan.stages)
        w(
          `  ${s.stage.padEnd(9)} ${s.runs ? "runs" : "off "}${s.previous ? ` (last run: ${s.previous})` : ""}`,
        );
      w(
        `outputs:\n  interim ${plan.outputs.interim}\n  nwb     ${plan.outputs.nwb}\n  qc      ${plan.outputs.qcDir}`,
      );
    }
    // A plan with missing inputs is a user error a script can test for: exit 2 after printing it (with --json,
    // the plan above is the one JSON document on stdout).
    if (plan.missing.length) {
      const e = new NeuroPoseError(
        "E_SESSION_MISSING_INPUT",
        `${plan.missing.length} input${plan.missing.length > 1 ? "s" : ""} missing: ${plan.missing.join("; ")}`,
        {
          path: plan.sessionDir,
          kind: "user",
          hint: "put the files there, or fix those keys in session.toml",
        },
      );
      if (!args.json) throw e;
      streams.stderr.write(`${formatError(e)}\n`);
      return 2;
    }
    return 0;
  }

  if (args.command === "build") {
    const { buildSession } = await sessionLib();
    const showProgress = !args.quiet && !args.json;
    // ffmpeg and the model cache come from the settings (NEUROPOSE_FFMPEG_PATH, NEUROPOSE_MODEL_CACHE_DIR, config).
    const settings = loadSettings();
    const result = await buildSession({
      sessionDir: args.sessionDir,
      configPath: args.config,
      set: args.set,
      force: args.force,
      modelCacheDir: settings.modelCacheDir,
      ...(settings.ffmpegPath ? { ffmpegPath: settings.ffmpegPath } : {}),
      ...(settings.ffprobePath ? { ffprobePath: settings.ffprobePath } : {}),
      ...(args.output ? { output: args.output } : {}),
      ...(args.root ? { root: args.root } : {}),
      ...(signal ? { signal } : {}),
      onStage: (e) => {
        if (!showProgress) return;
        if (e.state === "start") logger.debug(`${e.stage}: started`);
        else if (e.state === "skipped") logger.info(`${e.stage}: unchanged, skipped`);
        else if (e.state === "done")
          logger.info(`${e.stage}: done in ${(e.summary?.wall_s ?? 0).toFixed(2)} s`, {
            ...(e.summary?.counts ?? {}),
          });
      },
    });
    for (const f of result.flags) if (f.severity !== "info") logger.warn(`${f.code}: ${f.message}`);
    logger.info("session built", { nwb: result.nwb, ...(result.qc ? { qc: result.qc } : {}) });
    if (args.json)
      print({
        ok: true,
        session_id: result.sessionId,
        nwb: result.nwb,
        qc: result.qc,
        interim: result.interim,
        stages: result.summaries.map((s) => ({ stage: s.stage, status: s.status, wall_s: s.wall_s })),
        flags: result.flags,
        seconds: (Date.now() - started) / 1000,
      });
    return 0;
  }

  if (args.command === "qc") {
    const { renderSessionQc } = await sessionLib();
    const r = await renderSessionQc(resolve(args.interim), args.output ? { outDir: args.output } : {});
    logger.info("QC page written", { html: r.html, verdict: r.verdict });
    if (args.json) print({ ok: true, ...r });
    return 0;
  }

  // validate
  const { validateNwb } = await import("@neuropose/nwb");
  const nwb = resolve(args.nwb);
  const v = await validateNwb(nwb);
  // The report goes to stdout (one line per issue); stderr keeps its single `error:` line for a failure.
  if (!args.json) {
    for (const e of v.errors) streams.stdout.write(`invalid ${e.path}: ${e.message}\n`);
    for (const w of v.warnings) streams.stdout.write(`warning ${w.path}: ${w.message}\n`);
  }
  let inspector: { code: number; out: string } | undefined;
  if (args.inspector) {
    inspector = await runInspector(resolve(args.inspector), nwb, signal);
    if (!args.json) streams.stderr.write(inspector.out);
  }
  const ok = v.ok && (inspector === undefined || inspector.code === 0);
  if (args.json)
    print({
      ok,
      file: nwb,
      errors: v.errors,
      warnings: v.warnings,
      objects: v.objects,
      ...(inspector ? { inspector: { exit_code: inspector.code, output: inspector.out } } : {}),
    });
  if (!ok)
    throw new NeuroPoseError(
      "E_SESSION_NWB_INVALID",
      v.ok
        ? `${nwb}: pynwb/nwbinspector failed (exit ${inspector?.code})`
        : `${nwb}: ${v.errors.length} error${v.errors.length > 1 ? "s" : ""}, first: ${v.errors[0]?.path}: ${v.errors[0]?.message}`,
      { path: nwb, kind: "user", hint: "rebuild the file with neuropose-session build --force" },
    );
  logger.info(`valid: ${v.objects} objects, ${v.warnings.length} warnings`, { file: nwb });
  return 0;
}

/**
 * Entry point of the `neuropose-session` binary: exit 0 on success, 2 with one `error:` line for user errors
 * (bad TOML, missing input, frame/pulse mismatch, invalid NWB), 1 for unexpected failures, 130 on Ctrl-C. With
 * `--json`, failures also print `{"ok": false, "error": {...}}` on stdout.
 *
 * @example
 * ```ts
 * import { main } from "@neuropose/neuropose-session";
 * const code = await main(["plan", "data/raw/S1", "--config", "config.toml", "--json"]);
 * ```
 */
export async function main(
  argv: string[],
  streams: CliStreams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  return runCliWithArgs(argv, streams, sessionCli);
}
