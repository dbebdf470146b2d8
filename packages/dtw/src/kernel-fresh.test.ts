import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect, it } from "vitest";

it("the embedded WebAssembly kernel is the compilation of scripts/kernel.as.ts", async () => {
  const script = fileURLToPath(new URL("../scripts/build-wasm.mjs", import.meta.url));
  const mod = (await import(pathToFileURL(script).href)) as {
    compileKernel(): Promise<Uint8Array>;
    renderModule(bytes: Uint8Array): string;
  };
  const committed = readFileSync(new URL("./_kernel-wasm.generated.ts", import.meta.url), "utf8");
  expect(mod.renderModule(await mod.compileKernel())).toBe(committed);
}, 60_000);
