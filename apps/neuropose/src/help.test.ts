import { describe, expect, it } from "vitest";
import { buildCli } from "./cli.js";

describe("neuropose nwb export --help", () => {
  it("gives every option a help text", async () => {
    const help = await buildCli(["nwb", "export", "--help"]).exitProcess(false).getHelp();
    const options = help.split("\n").filter((l) => /^\s+(-\w, )?--[\w-]+/.test(l));
    expect(options.length).toBeGreaterThan(20);
    // an option line without help text is the flag followed only by its type/choices/default in brackets
    const bare = options.filter((l) => /^\s+(-\w, )?--[\w-]+\s+\[/.test(l));
    expect(bare).toEqual([]);
  });
});
