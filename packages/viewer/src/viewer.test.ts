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

describe("viewer: warnings and the declared vertical", () => {
  it("a short clip's gait table lists its warnings with their codes", () => {
    const d = buildViewerData(walkerPredictions(3.6));
    expect(d.persons[0].table).toContain('<h4 class="warn">Warnings (2)</h4>');
    expect(d.persons[0].table).toContain(
      "only 2 strides on the left side (≥ 3 recommended for cadence/variability): its SD and CV are not reported and its means rest on few strides <small>[W_GAIT_FEW_STRIDES]</small>",
    );
    expect(buildViewerData(walkerPredictions(10)).persons[0].table).not.toContain("Warnings");
  });

  it("a z-up lab document (--cameras) gets the same gait table as y-down, drawn with z up", () => {
    const yDown = walkerPredictions(8);
    const lab: ViewerPredictions = {
      metadata: { ...yDown.metadata, poses3d_frame: "world", poses3d_up: "+z" },
      frames: Object.fromEntries(
        Object.entries(yDown.frames).map(([k, f]) => [
          k,
          { poses3d: f.poses3d.map((p) => p.map(([x, y, z]) => [x + 2000, z + 3000, -y])) },
        ]),
      ),
    };
    const a = buildViewerData({ ...yDown, metadata: { ...yDown.metadata, poses3d_frame: "hip_centered" } });
    const b = buildViewerData(lab);
    expect([a.up, b.up]).toEqual(["-y", "+z"]);
    // a keypoint no two cameras saw (NaN) leaves the 3D scale finite (it made every joint NaN: a blank view)
    const first = Object.values(lab.frames)[0]?.poses3d[0] as number[][];
    first[0] = [Number.NaN, Number.NaN, Number.NaN];
    expect(Number.isFinite(buildViewerData(lab).persons[0].q3)).toBe(true);
    expect(b.persons[0].table).toBe(a.persons[0].table);
    expect(b.persons[0].events).toEqual(a.persons[0].events);
    // undeclared lab frame: no gait guessed, and the page says why
    const bare = buildViewerData({ ...lab, metadata: { ...lab.metadata, poses3d_up: undefined } });
    expect(bare.persons[0].table).toMatch(/gait measures not available: .*does not declare which way is up/);
    expect(bare.notes.join(" ")).toMatch(/does not declare which way is up/);
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
