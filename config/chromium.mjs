// Test/script helper: the system's headless Chromium for page checks (analysis report, QC page, monitor, viewer).
// Plain JavaScript so that scripts (packages/viewer/scripts/check-page.mjs) and vitest tests share it; types in
// chromium.d.mts. playwright-core is the caller's dependency: pass its `chromium` in.
import { existsSync } from "node:fs";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

const BASE = ["--headless", "--no-sandbox"];
const QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Flags of a quiet headless browser; `webgl` swaps `--disable-gpu` for SwiftShader's software WebGL. */
export function chromiumArgs(options = {}) {
  return options.webgl
    ? [...BASE, "--use-gl=swiftshader", "--enable-unsafe-swiftshader", ...QUIET]
    : [...BASE, "--disable-gpu", ...QUIET];
}

/** Whether the browser is installed; when not, prints why `suite` is skipped (once) and returns false. */
export function haveChromium(suite) {
  if (existsSync(CHROMIUM)) return true;
  console.warn(`skipped "${suite}": ${CHROMIUM} is absent (apt-get install chromium)`);
  return false;
}

/** Launches the system Chromium through playwright-core's `chromium`. */
export function launchChromium(chromium, options = {}) {
  return chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs(options) });
}

/**
 * Watches a page offline: console errors/warnings and page errors are collected in `problems`; every request
 * (but `file://` ones with `allowFiles`) is recorded in `requests` and refused.
 */
export async function offlinePage(page, options = {}) {
  const problems = [];
  const requests = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (options.allowFiles && url.startsWith("file://")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  return { problems, requests };
}
