import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveChromium, launchChromium, offlinePage } from "../../../config/chromium.mjs";
import { decimate, type QcInput, qcChecks, qcSummary, renderQcHtml, writeQcReport } from "./qc.js";

/** A session of two cameras at 150 Hz for 60 s: cam1 drifts by 50 ppm and lost 3 frames. */
function sample(): QcInput {
  const n = 9000;
  const cam = (id: string, ppm: number, dropped: number[]) => {
    const t = Array.from({ length: 200 }, (_, i) => (i * n) / 150 / 200);
    return {
      id,
      rate_hz: 150,
      frame_count: n - dropped.length,
      pulse_count: n,
      interval_deviation_s: Array.from({ length: n - 1 }, (_, i) => Math.sin(i * 1.7) * 0.0004),
      jitter_max_s: 0.0004,
      jitter_p95_s: 0.00039,
      jitter_budget_s: 0.01,
      drift_ppm: ppm,
      drift: { t_s: t, offset_ms: t.map((s) => s * ppm * 1e-3) },
      dropped_at_s: dropped.map((f) => f / 150),
      dropped: dropped.length,
      duplicates: 0,
    };
  };
  const bins = 60;
  return {
    sessionId: "Session-000002",
    createdAt: "2025-01-01T12:00:00Z",
    summaries: [
      { stage: "ingest", status: "ok", href: "../interim/ingest_summary.json", wall_s: 0.4, flags: [] },
      {
        stage: "sync",
        status: "ok",
        href: "../interim/sync_summary.json",
        wall_s: 1.2,
        flags: [
          {
            code: "SYNC_DROPPED",
            severity: "warn",
            message: "cam1: 3 dropped frames",
            value: 3,
            threshold: 0,
            subject: "cam1",
          },
        ],
      },
    ],
    sync: { cameras: [cam("cam0", 0.4, []), cam("cam1", 50, [1200, 4500, 7000])] },
    pose: {
      cameras: [
        {
          id: "cam0",
          t0_s: 0,
          bin_s: 1,
          keypoints: ["nose", "ear_left", "ear_right", "tail_base"].map((name, k) => ({
            name,
            missing_fraction: Array.from({ length: bins }, (_, i) => (k === 3 && i > 40 ? 0.9 : 0.02)),
            median_confidence: Array.from({ length: bins }, (_, i) => (k === 3 && i > 40 ? 0.2 : 0.95)),
          })),
        },
      ],
    },
    trials: {
      rows: Array.from({ length: 12 }, (_, i) => ({
        trial: i + 1,
        start_s: i * 5,
        stop_s: i * 5 + 3.5,
        outcome: ["hit", "miss", "correct_reject", "false_alarm"][i % 4] as string,
      })),
    },
    facemap: {
      cameras: [
        {
          id: "cam1",
          time_s: Array.from({ length: n }, (_, i) => i / 150),
          metrics: [
            {
              name: "motion_energy_face",
              values: Array.from({ length: n }, (_, i) => 2 + Math.sin(i / 80) + (i % 997 === 0 ? 9 : 0)),
            },
            {
              name: "motion_energy_left_eye",
              values: Array.from({ length: n }, (_, i) =>
                i > 3000 && i < 3100 ? Number.NaN : 1 + Math.cos(i / 50),
              ),
            },
          ],
        },
      ],
    },
    provenance: { config_sha256: "ab".repeat(32), neuropose_version: "0.1.0" },
  };
}

describe("qcChecks", () => {
  it("flags drift and drops above their gates, low pose confidence, overlapping trials, and keeps stage flags", () => {
    const input = sample();
    expect(qcChecks(input).map((f) => f.code)).toEqual(["SYNC_DROPPED"]);
    input.sync!.cameras[1]!.drift_ppm = 150;
    input.sync!.cameras[1]!.dropped = 200;
    input.pose!.cameras[0]!.keypoints.forEach((k) => {
      k.median_confidence = [0.1, 0.2];
    });
    input.trials!.rows[1]!.start_s = 3;
    const flags = qcChecks(input);
    expect(flags.map((f) => f.code)).toEqual([
      "SYNC_DROPPED",
      "QC_DRIFT",
      "QC_DROPPED",
      "QC_POSE_CONFIDENCE",
      "QC_TRIALS_OVERLAP",
    ]);
    expect(flags.find((f) => f.code === "QC_DRIFT")).toMatchObject({
      value: 150,
      threshold: 100,
      subject: "cam1",
      severity: "fail",
    });
    expect(qcSummary(input).verdict).toBe("fail");
  });
});

describe("decimate", () => {
  it("keeps every spike's extreme while bounding the points", () => {
    const y = Array.from({ length: 100_000 }, (_, i) =>
      i === 77_777 ? 50 : i === 12_345 ? -40 : Math.sin(i / 100),
    );
    const x = y.map((_, i) => i);
    const d = decimate(x, y, 1000);
    expect(d.x.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...d.y)).toBe(50);
    expect(Math.min(...d.y)).toBe(-40);
    expect(d.x).toEqual([...d.x].sort((a, b) => a - b));
  });
});

describe("renderQcHtml", () => {
  it("states the drift and the drops, and escapes names", () => {
    const input = sample();
    input.sessionId = '<script>alert("x")</script>';
    const html = renderQcHtml(input);
    expect(html).not.toContain("<script>");
    expect(html).toContain("Drift of camera cam1: 50 ppm");
    expect(html).toContain("3 dropped frames");
    expect(html.match(/class="marker"/g)?.length).toBe(3);
  });

  it("writes the page and the summary together", async () => {
    const dir = mkdtempSync(join(tmpdir(), "np-qc-"));
    const out = await writeQcReport(join(dir, "qc"), sample());
    expect(readdirSync(join(dir, "qc")).sort()).toEqual(["index.html", "qc_summary.json"]);
    const summary = JSON.parse(readFileSync(out.summary, "utf8"));
    expect(summary.sync[1]).toMatchObject({ camera: "cam1", drift_ppm: 50, dropped: 3 });
    expect(summary.events).toEqual({
      trials: 12,
      outcomes: { hit: 3, miss: 3, correct_reject: 3, false_alarm: 3 },
    });
  });
});

describe.skipIf(!haveChromium("QC page in headless Chromium"))("QC page in headless Chromium", () => {
  it("renders with no console errors and no network, one plot per section at a real size", async () => {
    const { chromium } = await import("playwright-core");
    const dir = mkdtempSync(join(tmpdir(), "np-qc-"));
    const { html } = await writeQcReport(dir, sample());
    const browser = await launchChromium(chromium);
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
      const { problems, requests } = await offlinePage(page, { allowFiles: true });
      await page.goto(`file://${html}`);
      for (const id of ["sync", "pose", "trials", "facemap"]) {
        expect(await page.locator(`section#${id} svg`).count()).toBeGreaterThanOrEqual(1);
        const box = await page.locator(`section#${id} svg`).first().boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(400);
        expect(box?.height ?? 0).toBeGreaterThan(60);
      }
      expect(await page.locator("section#flags tr.warn").count()).toBe(1);
      if (process.env.QC_SCREENSHOT)
        await page.screenshot({ path: process.env.QC_SCREENSHOT, fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
