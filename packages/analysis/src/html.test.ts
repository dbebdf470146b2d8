import { describe, expect, it } from "vitest";
import { haveChromium, launchChromium, offlinePage } from "../../../config/chromium.mjs";
import { KNEE_ANGLES_DTW, virtualIo } from "./_testing.js";
import { parseAnalysisConfig } from "./config.js";
import { renderReportHtml } from "./html.js";
import { runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

const FILES: Record<string, unknown> = {
  "subject.json": synthesizeGaitPredictions({ seed: 3, frames: 90, cadence: 96, amplitude: 0.8 }),
  "ref1.json": synthesizeGaitPredictions({ seed: 4, frames: 90, cadence: 110 }),
  "ref2.json": synthesizeGaitPredictions({ seed: 5, frames: 90, cadence: 116 }),
};

async function sampleRun() {
  const config = parseAnalysisConfig({
    inputs: { primary: "subject.json", references: ["ref1.json", "ref2.json"] },
    segmentation: { kind: "gait_cycles_bilateral" },
    analysis: KNEE_ANGLES_DTW,
    output: { report: "r.json" },
  });
  return runAnalysis(config, virtualIo(FILES));
}

describe("renderReportHtml (static)", () => {
  it("is one self-contained page: inline scripts only, no external URLs, one figure per analysed pair", async () => {
    const run = await sampleRun();
    const html = renderReportHtml(run);
    expect(html).not.toMatch(/<link|src=|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
    const pairs = (run.report.results as { comparisons: { distances: number[] }[] }).comparisons.reduce(
      (n, c) => n + c.distances.length,
      0,
    );
    expect(pairs).toBeGreaterThan(2);
    expect(html.match(/<figure class="pair"/g)).toHaveLength(pairs);
    expect(html).toContain("Distances");
  });

  it("escapes file names", async () => {
    const run = await sampleRun();
    run.figures.pairs[0]!.reference = '<img src=x onerror="alert(1)">';
    expect(renderReportHtml(run)).not.toContain("<img");
  });
});

describe.skipIf(!haveChromium("HTML report in headless Chromium"))("HTML report in headless Chromium", () => {
  it("renders with no console errors, no network, and one figure per analysed pair", async () => {
    const { chromium } = await import("playwright-core");
    const run = await sampleRun();
    const html = renderReportHtml(run);
    const browser = await launchChromium(chromium);
    try {
      const page = await browser.newPage();
      const { problems, requests } = await offlinePage(page);
      await page.setContent(html, { waitUntil: "load" });
      const pairs = (run.report.results as { comparisons: { distances: number[] }[] }).comparisons.reduce(
        (n, c) => n + c.distances.length,
        0,
      );
      expect(await page.locator("figure.pair").count()).toBe(pairs);
      expect(await page.locator("figure.pair svg path.sig").count()).toBe(2 * pairs);
      // Three trials, each with its left and right heel signal.
      expect(await page.locator("figure.trial").count()).toBe(6);
      // The figures have a real size on the page.
      const box = await page.locator("figure.pair svg").first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
      expect(box?.height ?? 0).toBeGreaterThan(50);
      // The movements side by side along the warping path (issue 18): one view per pair, moved by its slider.
      expect(await page.locator("figure.pair-movement").count()).toBe(pairs);
      const mv = page.locator("figure.pair-movement").first();
      const firstLine = () => mv.evaluate((f) => f.querySelector(".mv-b line")?.getAttribute("x1") ?? "");
      const before = await firstLine();
      expect(before).toMatch(/^\d/);
      const slider = mv.locator("input[type=range]");
      await slider.evaluate((el) => {
        const input = el as unknown as { value: string; max: string };
        input.value = String(Math.round(Number(input.max) / 2));
        el.dispatchEvent(new Event("input"));
      });
      expect(await firstLine()).not.toBe(before);
      expect(await mv.locator(".step").textContent()).toMatch(
        /^step \d+ of \d+: primary frame \d+, reference frame \d+$/,
      );
      expect(await page.title()).toMatch(/NeuroPose analysis/);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
