// Shared build configuration: every package's tsup.config.ts is three lines that call this.
import { defineConfig, type Options } from "tsup";

export function packageConfig(entry: string[] = ["src/index.ts"], extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ["esm"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    platform: "node",
    splitting: true,
    treeshake: true,
    ...extra,
  });
}
