/// <reference lib="dom" />
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeWalker } from "@neuropose/gait";
import { toNested } from "@neuropose/kinematics";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { haveChromium, launchChromium } from "../../../config/chromium.mjs";
import { buildViewerData, renderViewerPage, type ViewerPredictions } from "./index.js";

function walkerPredictions(seconds: number): ViewerPredictions {
  const w = synthesizeWalker({ seconds });
  const frames: ViewerPredictions["frames"] = {};
  toNested(w.sequence).forEach((pose, i) => {
    frames[`frame_${String(i).padStart(6, "0")}`] = {
      poses3d: [pose],
      poses2d: [pose.map(([x, y]) => [320 + x / 5, 240 + (y + 900) / 5])],
    };
  });
  return {
    metadata: { fps: 30, width: 640, height: 480, skeleton: "blazepose_33", poses3d_unit: "mm" },
    frames,
  };
}

describe("viewer data", () => {
  it("keeps every frame and every person; gait table and events present", () => {
    const d = buildViewerData(walkerPredictions(6));
    expect(d.frames).toBe(180);
    expect(d.persons).toHaveLength(1);
    expect(Buffer.from(d.persons[0].p3 as string, "base64").length).toBe(180 * 33 * 3 * 2);
    expect(d.persons[0].events.filter((e) => e.kind === "hs").length).toBeGreaterThanOrEqual(10);
    expect(d.persons[0].table).toMatch(/cadence <b>120.0<\/b>/);
  });
});

const suite = haveChromium("viewer page in headless Chromium") ? describe : describe.skip;

suite("viewer page in headless Chromium (WebGL by SwiftShader)", () => {
  it("draws a non-blank 3D canvas, moves the cursor when played, logs no errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "np-viewer-"));
    const file = join(dir, "page.html");
    writeFileSync(file, renderViewerPage(walkerPredictions(10), { title: "walker" }));
    const browser = await launchChromium(chromium, { webgl: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`file://${file}`);
      await page.waitForFunction(() => (window as never as { __viewer?: unknown }).__viewer !== undefined);
      await page.waitForTimeout(500);
      // Non-blank 3D: the canvas has pixels other than the background colour.
      const distinct = await page.evaluate(() => {
        const c = document.getElementById("np-3d") as HTMLCanvasElement;
        const img = new Image();
        img.src = c.toDataURL();
        return new Promise<number>((res) => {
          img.onload = () => {
            const t = document.createElement("canvas");
            t.width = c.width;
            t.height = c.height;
            const ctx = t.getContext("2d") as CanvasRenderingContext2D;
            ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, t.width, t.height).data;
            let other = 0;
            for (let i = 0; i < px.length; i += 4)
              if (Math.abs(px[i] - 244) + Math.abs(px[i + 1] - 246) + Math.abs(px[i + 2] - 248) > 30) other++;
            res(other);
          };
        });
      });
      expect(distinct).toBeGreaterThan(500);
      const before = await page.evaluate(
        () => (window as never as { __viewer: { cursorX: number } }).__viewer.cursorX,
      );
      await page.click("#np-play");
      await page.waitForTimeout(1200);
      const after = await page.evaluate(
        () => (window as never as { __viewer: { cursorX: number; frame: number } }).__viewer,
      );
      expect(after.frame).toBeGreaterThan(5);
      expect(after.cursorX).toBeGreaterThan(before);
      await page.click("#np-play");
      const f = await page.evaluate(
        () => (window as never as { __viewer: { frame: number } }).__viewer.frame,
      );
      await page.click("#np-fwd");
      expect(
        await page.evaluate(() => (window as never as { __viewer: { frame: number } }).__viewer.frame),
      ).toBe(f + 1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
