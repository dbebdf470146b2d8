// The service files users copy: systemd's own checker where it is installed; the plist as XML.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "service");
const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((p) => existsSync(p));
if (!analyze) console.log("skipping systemd-analyze verify: systemd-analyze is not installed");

describe("service files", () => {
  it.skipIf(!analyze)("systemd-analyze verify accepts the units", () => {
    for (const unit of ["neuropose.service", "neuropose-monitor.service"]) {
      const out = execFileSync(analyze as string, ["verify", join(dir, unit)], {
        encoding: "utf8",
        stdio: "pipe",
      });
      expect(out).toBe("");
    }
  });

  it("the launchd plist runs neuropose watch and restarts only after a failure", () => {
    const plist = readFileSync(join(dir, "org.neuropose.daemon.plist"), "utf8");
    expect(plist).toMatch(/<string>neuropose<\/string>\s*<string>watch<\/string>/);
    expect(plist).toMatch(/<key>SuccessfulExit<\/key>\s*<false\/>/);
    expect(plist.match(/<dict>/g)?.length).toBe(plist.match(/<\/dict>/g)?.length);
  });
});
