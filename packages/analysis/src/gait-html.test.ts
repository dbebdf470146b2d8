import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHROMIUM, haveChromium, openOfflinePage } from "../../../config/chromium-page.js";
import { walkerPredictions } from "./_gait-testing.js";
import { virtualIo } from "./_testing.js";
import { parseAnalysisConfig } from "./config.js";
import { renderReportHtml } from "./html.js";
import { runAnalysis } from "./run.js";

const FILES = {
  "subject.json": walkerPredictions({ strideSeconds: 1.2, stance: { left: 0.66, right: 0.58 }, speed: 0.9 })
    .doc,
  "ref.json": walkerPredictions({ strideSeconds: 1.0, speed: 1.3 }).doc,
};

async function gaitPage() {
  const config = parseAnalysisConfig({
    inputs: { primary: "subject.json", reference: "ref.json" },
    analysis: { kind: "gait", height: 1.7 },
    output: { report: "r.json" },
  });
  const run = await runAnalysis(config, virtualIo(FILES));
  return renderReportHtml(run);
}

describe("gait sections of the HTML report (static)", () => {
  it("one curve figure per joint, the parameters tables, one alignment view per side, no network", async () => {
    const html = await gaitPage();
    expect(html.match(/<figure class="gait-curve"/g)).toHaveLength(3);
    expect(html.match(/<figure class="gait-align"/g)).toHaveLength(2);
    expect(html.match(/<table class="gait-params"/g)).toHaveLength(2);
    expect(html).not.toMatch(/<link|src=|@import|url\(|https?:\/\//i);
    expect(html).toContain("% gait cycle");
    expect(html).toMatch(/Cadence: 100\.0 steps\/min vs 120\.0 steps\/min/);
  });
});

if (!haveChromium) console.warn(`skipped "gait report in headless Chromium": ${CHROMIUM} is absent`);

describe.skipIf(!haveChromium)("gait report in headless Chromium", () => {
  it("renders with no console errors or requests; the slider moves both stick legs along the path", async () => {
    const { page, problems, requests, close } = await openOfflinePage(await gaitPage());
    try {
      expect(await page.locator("figure.gait-curve").count()).toBe(3);
      expect(await page.locator("figure.gait-curve path.mean").count()).toBe(6);
      expect(await page.locator("figure.gait-align").count()).toBe(2);
      const box = await page.locator("figure.gait-curve svg").first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
      const fig = page.locator("figure.gait-align").first();
      const knee = async () =>
        fig.evaluate((f) =>
          [...f.querySelectorAll("g.leg line.shank")].map(
            (l) => `${l.getAttribute("x2")},${l.getAttribute("y2")}`,
          ),
        );
      const at0 = await knee();
      expect(at0.every((s) => /^-?\d/.test(s))).toBe(true); // drawn by the script on load
      const slider = fig.locator("input[type=range]");
      const max = Number(await slider.getAttribute("max"));
      expect(max).toBeGreaterThan(99);
      await slider.evaluate(
        (el, v) => {
          (el as unknown as { value: string }).value = String(v);
          el.dispatchEvent(new Event("input"));
        },
        Math.round(max * 0.7),
      );
      const later = await knee();
      expect(later[0]).not.toBe(at0[0]);
      expect(later[1]).not.toBe(at0[1]);
      expect(await fig.locator(".step").textContent()).toMatch(/^step \d+ of \d+ of the warping path$/);
      // Play advances the path.
      await fig.locator("button").click();
      await page.waitForTimeout(300);
      expect(Number(await slider.inputValue())).not.toBe(Math.round(max * 0.7));
      await fig.locator("button").click();
      if (process.env.SCREENSHOT_DIR) {
        const dir = process.env.SCREENSHOT_DIR;
        mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: join(dir, "gait-report.png"), fullPage: true });
      }
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);
});
