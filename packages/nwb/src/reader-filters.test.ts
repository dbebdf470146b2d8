// A file whose data needs a filter this process cannot decode (here: LZF with the plugins taken off h5wasm's
// search path, as for a user without h5wasm-plugins): readNwb names the filter and the dataset, and validateNwb
// fails (issue 9 item 10). Its own test file: HDF5 keeps a plugin loaded once it was used in a process.
import { join } from "node:path";
import { Module } from "h5wasm/node";
import { describe, expect, it } from "vitest";
import { h5pyEdit, h5pyMissing } from "../test/_h5py.js";
import { tempDir } from "../test/_util.js";
import { h5ready } from "./_h5.js";
import { NwbReadError, readNwb, validateNwb, writeNwb } from "./index.js";

const missing = h5pyMissing();

describe.skipIf(missing !== undefined)("a filter that cannot be decoded", () => {
  it("is named by readNwb and makes validateNwb fail", async () => {
    const p = join(tempDir(), "lzf.nwb");
    await writeNwb(p, {
      sessionDescription: "filters",
      sessionStartTime: "2024-05-01T10:00:00Z",
      acquisition: [
        {
          kind: "TimeSeries",
          name: "speed",
          description: "d",
          unit: "m/s",
          data: [1, 2, 3],
          timing: { rate: 10 },
        },
      ],
    });
    h5pyEdit(
      p,
      `del f["/acquisition/speed/data"]\nd = f.create_dataset("/acquisition/speed/data", data=np.arange(3.0), chunks=(3,), compression="lzf")\nd.attrs["unit"] = "m/s"`,
    );
    await h5ready();
    const saved = Module.get_plugin_search_paths();
    for (let i = saved.length - 1; i >= 0; i--) Module.remove_plugin_search_path(i);
    try {
      const e = await readNwb(p).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(NwbReadError);
      expect((e as NwbReadError).message).toBe(
        "/acquisition/speed/data: compressed with the HDF5 filter lzf (id 32000), which this reader cannot decode",
      );
      const v = await validateNwb(p);
      expect(v.ok).toBe(false);
      expect(v.errors).toContainEqual({
        severity: "error",
        path: "/acquisition/speed/data",
        message: "compressed with the HDF5 filter lzf (id 32000), which this reader cannot decode",
      });
    } finally {
      for (const [i, d] of saved.entries()) Module.insert_plugin_search_path(d, i);
    }
  });
});
