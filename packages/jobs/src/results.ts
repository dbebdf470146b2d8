// The one results.json assembler of both job sources (the data dir and the queue's shared output folder).
import { createReadStream } from "node:fs";
import { writeFileAtomicStreamed } from "@neuropose/io";

/** One video's predictions document, already written (and validated) by the worker. */
export interface ResultPart {
  /** The video's name: its key in results.json. */
  name: string;
  /** Where its VideoPredictions document is. */
  path: string;
}

/**
 * Writes a JobResults document (`{video name: VideoPredictions}`) to `target` through io's atomic target (temp,
 * fsync, rename, folder fsync): the per-video documents are concatenated byte for byte under their names, so a
 * long job is never parsed or held in memory again. Raises what the file system raises; the target is then
 * untouched.
 *
 * @example
 * ```ts
 * import { mkdirSync, writeFileSync } from "node:fs";
 * import { assembleJobResults } from "@neuropose/jobs";
 * mkdirSync("/tmp/np-results-example", { recursive: true });
 * writeFileSync("/tmp/np-results-example/a.json", '{"metadata": {}, "frames": {}}\n');
 * await assembleJobResults("/tmp/np-results-example/results.json", [{ name: "a.mp4", path: "/tmp/np-results-example/a.json" }]);
 * ```
 */
export async function assembleJobResults(target: string, parts: readonly ResultPart[]): Promise<void> {
  // the folder must still be there: if another process reset it meanwhile, this result is not ours to write
  await writeFileAtomicStreamed(
    target,
    async (write) => {
      await write("{\n");
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as ResultPart;
        await write(`${JSON.stringify(part.name)}: `);
        let last = 0x0a;
        for await (const chunk of createReadStream(part.path)) {
          const buf = chunk as Buffer;
          if (buf.length) last = buf[buf.length - 1] as number;
          await write(buf);
        }
        if (last !== 0x0a) await write("\n");
        if (i < parts.length - 1) await write(",\n");
      }
      await write("}\n");
    },
    { createParents: false },
  );
}
