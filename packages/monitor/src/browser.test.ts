// The jobs page in headless Chromium (playwright-core driving the system's /usr/bin/chromium): it renders,
// escapes hostile names, shows a running job's progress moving without a reload, and logs no console errors.
// Skips, saying why, where Chromium is absent. The screenshot goes to $NEUROPOSE_SCREENSHOT or the temp dir.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderJobSource, runDaemon } from "@neuropose/jobs";
import { describe, expect, it } from "vitest";
import { haveChromium, launchChromium } from "../../../config/chromium.mjs";
import { fakeWorker } from "../../jobs/src/_testing.js";
import { startMonitor } from "./index.js";

describe.skipIf(!haveChromium("jobs page in headless Chromium"))("jobs page in headless Chromium", () => {
  it("renders, updates a running job's progress live, no console errors", async () => {
    const { chromium } = await import("playwright-core");
    const root = mkdtempSync(join(tmpdir(), "np-browser-"));
    const hostile = `<img src=x onerror=alert(1)>"'&`;
    for (const [job, n] of [
      ["session-01", 2],
      [hostile, 1],
    ] as const) {
      mkdirSync(join(root, "in", job), { recursive: true });
      for (let i = 0; i < n; i++) writeFileSync(join(root, "in", job, `clip${i}.mp4`), "v");
    }
    const source = new FolderJobSource(root, { checkpointMs: 100 });
    await source.ensureLayout();
    const monitor = await startMonitor({ source, port: 0, token: "t0k", refreshMs: 250 });
    const browser = await launchChromium(chromium);
    const problems: string[] = [];
    const ac = new AbortController();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 420 } });
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("dialog", (d) => problems.push(`dialog: ${d.message()}`));
      await page.goto(monitor.url);
      expect(await page.title()).toBe("NeuroPose jobs");
      expect(await page.locator("tbody tr").count()).toBe(2);
      expect(await page.locator("tbody tr").first().locator("td").first().textContent()).toBe(hostile);

      // a daemon runs the jobs (slow fake worker: 40 frames x 40 ms per video)
      const daemon = runDaemon({
        source,
        worker: fakeWorker({ frames: 40, frameMs: 40 }),
        once: true,
        signal: ac.signal,
      });
      const row = page.locator('tbody tr[data-job="session-01"]');
      const seen: number[] = [];
      let shot = "";
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const state = (await row.locator("td").nth(1).textContent()) ?? "";
        if (state.startsWith("processing")) {
          const v = Number(
            await row
              .locator("progress")
              .getAttribute("value")
              .catch(() => null),
          );
          if (Number.isFinite(v) && v !== seen.at(-1)) seen.push(v);
          if (!shot && v > 30) {
            shot = process.env.NEUROPOSE_SCREENSHOT ?? join(tmpdir(), "neuropose-monitor.png");
            await page.screenshot({ path: shot });
            console.log(`monitor screenshot: ${shot}`);
          }
        }
        if (state === "completed") break;
        await page.waitForTimeout(150);
      }
      await daemon;
      expect(seen.length, `progress values seen: ${seen.join(", ")}`).toBeGreaterThanOrEqual(3);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(await row.locator("td").nth(1).textContent()).toBe("completed");
      expect(problems).toEqual([]);
    } finally {
      ac.abort();
      await browser.close();
      await monitor.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
