import type { CommandModule } from "yargs";

/**
 * `neuropose infer ...`, `neuropose analyze ...` and `neuropose session ...` are the `neuropose-infer`,
 * `neuropose-analyze` and `neuropose-session` programs
 * under one name. Their modules are imported only when used, so `neuropose nwb ...` never loads ONNX Runtime.
 */
export const delegates: Record<
  string,
  { describe: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }
> = {
  infer: {
    describe: "3D poses from video files (same as neuropose-infer; see neuropose infer --help)",
    load: () => import("@neuropose/neuropose-infer"),
  },
  session: {
    describe:
      "build a recorded session into a validated NWB file and a QC page (same as neuropose-session; see neuropose session --help)",
    load: () => import("@neuropose/neuropose-session"),
  },
  analyze: {
    describe: "run an analysis from a YAML file (same as neuropose-analyze; see neuropose analyze --help)",
    load: () => import("@neuropose/neuropose-analyze"),
  },
};

/** Runs a delegated program when `argv[0]` names one; undefined otherwise. */
export async function runDelegate(argv: string[]): Promise<number | undefined> {
  const target = argv[0] === undefined ? undefined : delegates[argv[0]];
  if (!target) return undefined;
  const program = await target.load();
  return program.main(argv.slice(1));
}

/** Entries for `neuropose --help` (the programs themselves run through {@link runDelegate}). */
export const delegateCommands: CommandModule[] = Object.entries(delegates).map(([name, d]) => ({
  command: `${name} [args..]`,
  describe: d.describe,
  handler: async (args) => {
    process.exitCode = await (await d.load()).main(
      [...((args.args as string[] | undefined) ?? [])].map(String),
    );
  },
}));
