// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts),
// against a real redis-server on a free port (the documented redis://127.0.0.1:6379 is rewritten to it), in a
// scratch folder holding the job folders the examples submit.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe } from "vitest";
import { nodeExamplesSuite } from "../../../config/doc-examples.js";
import { redisSkipReason, startRedis, type TestRedis } from "../../../config/test-redis.js";

const srcDir = dirname(fileURLToPath(import.meta.url));
const deps = join(srcDir, "..", "node_modules", "@neuropose");
let redis: TestRedis | undefined;
afterAll(async () => {
  await redis?.dispose();
});

describe.skipIf(!!redisSkipReason)("queue examples (real Redis)", () => {
  nodeExamplesSuite({
    srcDir,
    package: { name: "@neuropose/queue", dist: join(srcDir, "..", "dist", "index.js") },
    others: {
      "@neuropose/io": join(deps, "io", "dist", "index.js"),
      "@neuropose/jobs": join(deps, "jobs", "dist", "index.js"),
    },
    atLeast: 16,
    async setup() {
      redis = await startRedis();
    },
    rewrite: (code) => code.replaceAll("redis://127.0.0.1:6379", redis?.url ?? "redis://127.0.0.1:6379"),
    scratch: () => {
      const dir = mkdtempSync(join(tmpdir(), "np-queue-doc-"));
      for (const [folder, video] of [
        ["cohort/subject01", "a.mp4"],
        ["extra", "walk.mp4"],
      ] as const) {
        mkdirSync(join(dir, folder), { recursive: true });
        writeFileSync(join(dir, folder, video), `fake video ${video}`);
      }
      return dir;
    },
    timeoutMs: 120_000,
  });
});
