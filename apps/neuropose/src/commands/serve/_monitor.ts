// What both `serve` flavours do once they have a job source: start the monitor with the settings' host, port
// and token, warn when it is exposed without a token, print its URL, and serve until SIGINT/SIGTERM.
import { abortOnSignals, type Logger } from "@neuropose/cli-kit";
import type { Settings } from "@neuropose/io";
import type { JobSource } from "@neuropose/jobs";
import { startMonitor } from "@neuropose/monitor";

export async function serveUntilStopped(
  source: JobSource,
  settings: Settings,
  logger: Logger,
  title?: string,
): Promise<void> {
  const monitor = await startMonitor({
    source,
    host: settings.monitorHost ?? "127.0.0.1",
    port: settings.monitorPort ?? 8765,
    token: settings.monitorToken,
    title,
  });
  if (monitor.exposed) {
    logger.warn(
      `the monitor listens on ${settings.monitorHost} without a token: anyone who can reach this machine sees job names and errors (set --token or monitorToken)`,
    );
  }
  process.stdout.write(`monitor: ${monitor.url}\n`);
  const signal = abortOnSignals();
  await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  await monitor.close();
}
