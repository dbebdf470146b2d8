// Load time of the page for a 10-minute clip in headless Chromium (SwiftShader WebGL), and the README
// screenshot of gaitlab_input.mp4. Run from the repo root after building the viewer and gait packages:
//   node packages/viewer/scripts/check-page.mjs [predictions.json video.mp4]
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { synthesizeWalker } from "@neuropose/gait";
import { toNested } from "@neuropose/kinematics";
import { renderViewerPage } from "@neuropose/viewer";
import { chromium } from "playwright-core";
import { launchChromium } from "../../../config/chromium.mjs";

const dir = mkdtempSync(join(tmpdir(), "np-viewer-check-"));
const w = synthesizeWalker({ seconds: 600 });
const frames = {};
toNested(w.sequence).forEach((pose, i) => {
  frames[`frame_${String(i).padStart(6, "0")}`] = {
    poses3d: [pose],
    poses2d: [pose.map(([x, y]) => [320 + x / 5, 240 + (y + 900) / 5])],
  };
});
let t = performance.now();
const html = renderViewerPage({
  metadata: { fps: 30, width: 640, height: 480, skeleton: "blazepose_33", poses3d_unit: "mm" },
  frames,
});
console.log(
  `page for a 10-minute clip (18,000 frames): rendered in ${(performance.now() - t).toFixed(0)} ms, ${(html.length / 1e6).toFixed(1)} MB`,
);
writeFileSync(join(dir, "ten.html"), html);
const browser = await launchChromium(chromium, { webgl: true });
const page = await browser.newPage({ viewport: { width: 1100, height: 1100 } });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
for (let r = 0; r < 3; r++) {
  t = performance.now();
  await page.goto(`file://${join(dir, "ten.html")}`);
  await page.waitForFunction(() => window.__viewer !== undefined);
  console.log(`  load to first drawn frame: ${(performance.now() - t).toFixed(0)} ms`);
}
const [preds, video] = process.argv.slice(2);
if (preds) {
  const { loadVideoPredictions } = await import("@neuropose/io");
  const p = await loadVideoPredictions(resolve(preds));
  const src = video
    ? `data:video/mp4;base64,${(await readFile(resolve(video))).toString("base64")}`
    : undefined;
  writeFileSync(join(dir, "g.html"), renderViewerPage(p, { title: "gaitlab_input.mp4", videoSrc: src }));
  await page.goto(`file://${join(dir, "g.html")}`);
  await page.waitForFunction(() => window.__viewer !== undefined);
  await page.evaluate(() => window.__viewer.setFrame(100));
  await page.evaluate(() => {
    const v = document.getElementById("np-video");
    if (v) v.currentTime = 100.5 / 29.97;
  });
  await page.waitForTimeout(1500);
  await page.mouse.move(800, 300);
  await page.mouse.down();
  await page.mouse.move(700, 320, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(300);
  await page.screenshot({ path: resolve("packages/viewer/docs/screenshot.png"), fullPage: true });
  console.log("screenshot: packages/viewer/docs/screenshot.png");
}
console.log(errors.length ? `page errors: ${errors.join("; ")}` : "no page errors");
await browser.close();
