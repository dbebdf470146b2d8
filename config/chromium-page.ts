// Test helper: a self-contained HTML page opened in headless Chromium (/usr/bin/chromium, via playwright-core)
// with every request refused and recorded, and console errors/warnings and page errors collected, so a test
// can assert "renders offline, no errors". The caller closes it (`close()`, in a finally).
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

export async function openOfflinePage(html: string, viewport = { width: 900, height: 1200 }) {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
  });
  page.on("pageerror", (err) => problems.push(String(err)));
  await page.route("**/*", (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.setContent(html, { waitUntil: "load" });
  return { page, problems, requests, close: () => browser.close() };
}
