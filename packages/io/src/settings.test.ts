import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NeuroPoseError } from "./errors.js";
import { loadSettings, resolveSettings, SETTINGS_ENV } from "./settings.js";

const HOME = "/home/ada";
const base = { env: {}, cwd: "/work", home: HOME, configFile: false as const };

function settingsError(fn: () => unknown): NeuroPoseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NeuroPoseError);
    expect((e as NeuroPoseError).code).toBe("E_SETTINGS");
    expect((e as NeuroPoseError).kind).toBe("user");
    return e as NeuroPoseError;
  }
  throw new Error("expected an E_SETTINGS error");
}

describe("loadSettings", () => {
  it("has defaults from XDG / home", () => {
    const s = loadSettings(base);
    expect(s).toEqual({
      dataDir: "/home/ada/.local/share/neuropose",
      modelCacheDir: "/home/ada/.local/share/neuropose/models",
      logFormat: "human",
      logLevel: "info",
      device: "auto",
    });
    expect(Object.isFrozen(s)).toBe(true);
    expect(loadSettings({ ...base, env: { XDG_DATA_HOME: "/xdg" } }).dataDir).toBe("/xdg/neuropose");
    // A relative XDG_DATA_HOME is invalid per the XDG spec and ignored.
    expect(loadSettings({ ...base, env: { XDG_DATA_HOME: "rel" } }).dataDir).toBe(
      "/home/ada/.local/share/neuropose",
    );
  });

  it("reads every NEUROPOSE_ variable; empty values count as unset", () => {
    const s = loadSettings({
      ...base,
      env: {
        NEUROPOSE_DATA_DIR: "data",
        NEUROPOSE_LOG_FORMAT: "JSON",
        NEUROPOSE_LOG_LEVEL: "debug",
        NEUROPOSE_DEVICE: "cuda",
        NEUROPOSE_FFMPEG_PATH: "~/bin/ffmpeg",
        NEUROPOSE_FFPROBE_PATH: "/usr/bin/ffprobe",
        NEUROPOSE_THREADS: "4",
        NEUROPOSE_MODEL_CACHE_DIR: "",
        NEUROPOSE_POLL_SECONDS: "0.5",
        NEUROPOSE_RETENTION_DAYS: "30",
        NEUROPOSE_MONITOR_TOKEN: "s3cret",
        NEUROPOSE_MONITOR_HOST: "0.0.0.0",
        NEUROPOSE_MONITOR_PORT: "9000",
        NEUROPOSE_INGEST_MAX_BYTES: "1000000",
        NEUROPOSE_QUEUE_URL: "rediss://queue.lab:6380/1",
        NEUROPOSE_QUEUE_PASSWORD: "pw",
        NEUROPOSE_QUEUE_TLS_CA: "certs/ca.pem",
      },
    });
    expect(s).toEqual({
      dataDir: "/work/data",
      modelCacheDir: "/work/data/models",
      logFormat: "json",
      logLevel: "debug",
      device: "cuda",
      ffmpegPath: "/home/ada/bin/ffmpeg",
      ffprobePath: "/usr/bin/ffprobe",
      threads: 4,
      pollSeconds: 0.5,
      retentionDays: 30,
      monitorToken: "s3cret",
      monitorHost: "0.0.0.0",
      monitorPort: 9000,
      ingestMaxBytes: 1000000,
      queueUrl: "rediss://queue.lab:6380/1",
      queuePassword: "pw",
      queueTlsCa: "/work/certs/ca.pem",
    });
    expect(Object.keys(SETTINGS_ENV)).toHaveLength(17);
  });

  it("applies overrides > env > config file > defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), "np-io-settings-"));
    const cfg = join(dir, "conf", "config.json");
    mkdirSync(join(dir, "conf"));
    writeFileSync(cfg, JSON.stringify({ dataDir: "../d", device: "coreml", logLevel: "warn", threads: 2 }));
    const fromFile = loadSettings({ ...base, configFile: cfg });
    expect(fromFile).toMatchObject({
      dataDir: join(dir, "d"),
      device: "coreml",
      logLevel: "warn",
      threads: 2,
    });
    const fromEnv = loadSettings({ ...base, configFile: cfg, env: { NEUROPOSE_DEVICE: "cpu" } });
    expect(fromEnv).toMatchObject({ device: "cpu", logLevel: "warn" });
    const fromOverride = loadSettings({
      ...base,
      configFile: cfg,
      env: { NEUROPOSE_DEVICE: "cpu" },
      overrides: { device: "webgpu", logLevel: undefined, modelCacheDir: "/m" },
    });
    expect(fromOverride).toMatchObject({ device: "webgpu", logLevel: "warn", modelCacheDir: "/m" });
    const r = resolveSettings({
      ...base,
      configFile: cfg,
      env: { NEUROPOSE_DEVICE: "cpu" },
      overrides: { threads: 3 },
    });
    expect(r.configFile).toBe(cfg);
    expect(r.sources).toEqual({
      dataDir: "config",
      modelCacheDir: "default",
      logFormat: "default",
      logLevel: "config",
      device: "env",
      threads: "override",
    });
    expect(resolveSettings(base).configFile).toBeUndefined();
    // NEUROPOSE_CONFIG and the XDG config location.
    expect(loadSettings({ ...base, configFile: undefined, env: { NEUROPOSE_CONFIG: cfg } }).device).toBe(
      "coreml",
    );
    expect(loadSettings({ ...base, configFile: undefined, env: { XDG_CONFIG_HOME: dir } }).device).toBe(
      "auto",
    );
    mkdirSync(join(dir, "neuropose"));
    writeFileSync(join(dir, "neuropose", "config.json"), '{"logFormat": "json"}');
    expect(loadSettings({ ...base, configFile: undefined, env: { XDG_CONFIG_HOME: dir } }).logFormat).toBe(
      "json",
    );
  });

  it("names the variable, file or key of a bad value", () => {
    expect(settingsError(() => loadSettings({ ...base, env: { NEUROPOSE_DEVICE: "gpu" } })).message).toBe(
      'NEUROPOSE_DEVICE: expected one of auto, cpu, cuda, coreml, webgpu, got "gpu"',
    );
    expect(settingsError(() => loadSettings({ ...base, env: { NEUROPOSE_THREADS: "two" } })).message).toMatch(
      /^NEUROPOSE_THREADS: expected a whole number >= 1/,
    );
    expect(settingsError(() => loadSettings({ ...base, env: { NEUROPOSE_THREADS: "0" } })).path).toBe(
      "NEUROPOSE_THREADS",
    );
    expect(
      settingsError(() => loadSettings({ ...base, env: { NEUROPOSE_LOG_LEVEL: "loud" } })).message,
    ).toMatch(/^NEUROPOSE_LOG_LEVEL: expected one of debug, info, warn, error/);
    expect(
      settingsError(() => loadSettings({ ...base, overrides: { logFormat: "xml" as never } })).message,
    ).toMatch(/^logFormat: expected human or json/);
    const dir = mkdtempSync(join(tmpdir(), "np-io-settings-"));
    const cfg = join(dir, "c.json");
    writeFileSync(cfg, '{"devise": "cpu"}');
    const e = settingsError(() => loadSettings({ ...base, configFile: cfg }));
    expect(e.message).toBe(`${cfg}: devise: unknown setting`);
    expect(e.hint).toContain("device");
    writeFileSync(cfg, "[]");
    expect(settingsError(() => loadSettings({ ...base, configFile: cfg })).message).toMatch(
      /must hold a JSON object/,
    );
    expect(
      settingsError(() => loadSettings({ ...base, configFile: join(dir, "missing.json") })).message,
    ).toMatch(/cannot read config file/);
  });

  it("warns about unknown NEUROPOSE_ variables", () => {
    const warned: string[] = [];
    loadSettings({
      ...base,
      env: { NEUROPOSE_DEVCE: "cpu", OTHER: "x" },
      logger: { warn: (m) => warned.push(m) },
    });
    expect(warned).toEqual(["ignoring unknown environment variable NEUROPOSE_DEVCE"]);
  });
});
