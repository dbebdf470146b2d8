// Test helper: a logger ({ debug, info, warn, error }) that records `level: message` lines.
export function recorder() {
  const lines: string[] = [];
  const log = (lvl: string) => (m: string) => lines.push(`${lvl}: ${m}`);
  return {
    lines,
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
  };
}
