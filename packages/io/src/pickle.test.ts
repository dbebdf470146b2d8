// The inert pickle reader: PyTables attribute pickles (protocol 0) and binary protocols, globals never evaluated.
import { describe, expect, it } from "vitest";
import { unpickle } from "./pickle.js";

describe("unpickle", () => {
  it("reads protocol 0 as PyTables writes pandas metadata (lists, tuples, dicts, memo)", () => {
    const nonIndexAxes =
      "(lp0\n(I1\n(lp1\n(VDLC\np2\nVsnout\np3\nVx\np4\ntp5\na(g2\ng3\nVy\np6\ntp7\natp8\na.";
    expect(unpickle(nonIndexAxes)).toEqual([
      [
        1,
        [
          ["DLC", "snout", "x"],
          ["DLC", "snout", "y"],
        ],
      ],
    ]);
    const info = unpickle(
      "(dp0\nI1\n(dp1\nVnames\np2\n(lp3\nVscorer\np4\nasVtype\np5\nVMultiIndex\np6\nss.",
    ) as Map<unknown, unknown>;
    expect((info.get(1) as Map<string, unknown>).get("names")).toEqual(["scorer"]);
    expect(unpickle("N.")).toBeNull();
    expect(unpickle("I01\n.")).toBe(true);
    expect(unpickle("F0.5\n.")).toBe(0.5);
    expect(unpickle("S'a\\'b'\np0\n.")).toBe("a'b");
    expect(unpickle("V\\u00e9t\\u00e9\np0\n.")).toBe("été");
  });

  it("reads binary protocols (2-5) and never evaluates globals", () => {
    // pickle.dumps([("a", 1), {"k": 2.5}, None, True], protocol=4)
    const p4 = Uint8Array.from(
      Buffer.from(
        "8004951f000000000000005d94288c0161944b0186947d948c016b94474004000000000000734e88652e",
        "hex",
      ),
    );
    expect(unpickle(p4)).toEqual([["a", 1], new Map([["k", 2.5]]), null, true]);
    // pickle.dumps(numpy.float64) style: GLOBAL + REDUCE becomes an inert record
    expect(unpickle("cbuiltins\nset\n((lp0\nI1\natR.")).toEqual({ global: "builtins.set", args: [[1]] });
    expect(() => unpickle("(lp0\n")).toThrow(/ends/);
    expect(() => unpickle(Uint8Array.of(0xff))).toThrow(/opcode/);
  });
});
