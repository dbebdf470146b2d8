import type { CommandModule } from "yargs";

export interface DemoArgs {
  out: string;
  json: boolean;
  force: boolean;
}

/**
 * `neuropose demo`: the whole analysis chain on built-in synthetic walking trials (no video needed): writes the
 * trials, an analysis YAML, the JSON report and a self-contained HTML page into `--out`.
 */
export const demoCommand: CommandModule<object, DemoArgs> = {
  command: "demo",
  describe: "run the analysis chain on built-in synthetic gait trials (report + HTML)",
  builder: (y) =>
    y
      .option("out", { type: "string", default: "neuropose-demo", describe: "folder to write into" })
      .option("json", { type: "boolean", default: false, describe: "JSON summary on stdout" })
      .option("force", {
        type: "boolean",
        default: false,
        describe: "write over files you changed in --out (default: the demo goes to a new folder beside it)",
      }) as never,
  handler: async (args) => {
    const { runDemo } = await import("./run.js");
    await runDemo(args);
  },
};
