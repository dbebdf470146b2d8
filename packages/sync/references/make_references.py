#!/usr/bin/python3
"""Reference values for @neuropose/sync, computed with numpy from the fixtures in ../shared/fixtures.

Run with Debian's python3 (python3-numpy):

    /usr/bin/python3 packages/sync/references/make_references.py && npx biome format --stdin-file-path=x.json < packages/sync/references/sync_references.json > /tmp/r.json && mv /tmp/r.json packages/sync/references/sync_references.json

Writes sync_references.json beside this script:
- ttl: for every *.txt edge file under w2t-session: count, first/last times, exact sum (math.fsum), and
  the statistics numpy computes for it: median interval, jitter (max and np.percentile 95 of |interval - median|
  over intervals within 0.5..1.5 medians), drops (round(interval/period) - 1 summed over k >= 2), duplicates;
- spikeglx: for every .bin/.meta pair under ttl/: per digital-word bit, rising/falling edge sample indices
  (np.flatnonzero(np.diff(bit) == 1) + 1, -1 for falling) and times (index / niSampRate), from np.memmap;
- ibl_gpio: the iblrig camera GPIO file (float64 words) -> edges of bits 28..31 the same way; the frame counter
  -> number of missing frames (sum of diff - 1 where diff > 1);
- ibl ssv: the camera timestamps .ssv read by pandas (Bonsai times to ns, seconds since the first frame) and the
  embedded camera timestamps converted as ibllib's convert_pgts + uncycle_pgts;
- neuroconv: every TimeSeries of ttl/neuroconv_mock_ttl_examples.nwb (h5py) -> neuroconv's
  get_rising_frames_from_ttl / get_falling_frames_from_ttl (threshold = np.mean(trace), sign, diff).
Arrays longer than 400 values are stored as count + exact sum + every k-th value.
"""
import glob
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIX = os.path.join(REPO, "..", "shared", "fixtures")


def arr(a):
    a = [float(x) for x in a]
    if len(a) <= 400:
        return {"count": len(a), "all": a}
    k = -(-len(a) // 200)
    return {"count": len(a), "every": k, "sample": a[::k], "fsum": math.fsum(a), "first": a[:5], "last": a[-5:]}


def ttl_stats(t):
    d = np.diff(t)
    period = float(np.median(d))
    keep = d[(d >= 0.5 * period) & (d <= 1.5 * period)]
    dev = np.abs(keep - period)
    normal = d[d > 0]
    p2 = float(np.median(normal)) if normal.size else period
    k = np.round(d / p2)
    dup = d < 0.5 * p2
    drops = int(np.sum((k[~dup] - 1)[k[~dup] >= 2]))
    return {
        "period": period,
        "jitter": {"n": int(dev.size), "max": float(dev.max()) if dev.size else None, "p95": float(np.percentile(dev, 95)) if dev.size else None},
        "dropPeriod": p2,
        "dropped": drops,
        "duplicates": int(dup.sum()),
    }


def main():
    out = {"versions": {"python": sys.version.split()[0], "numpy": np.__version__}, "ttl": {}, "spikeglx": {}, "ibl": {}}
    for p in sorted(glob.glob(os.path.join(FIX, "w2t-session", "**", "*.txt"), recursive=True)):
        t = np.loadtxt(p, dtype=np.float64, ndmin=1)
        ref = {"times": arr(t)}
        if t.size >= 2:
            ref["stats"] = ttl_stats(t)
        out["ttl"][os.path.relpath(p, FIX)] = ref
    for binp in sorted(glob.glob(os.path.join(FIX, "ttl", "**", "*.bin"), recursive=True)):
        meta_p = binp[:-4] + ".meta"
        if not os.path.exists(meta_p):
            continue
        meta = dict(line.strip().split("=", 1) for line in open(meta_p) if "=" in line)
        n = int(meta["nSavedChans"])
        rate = float(meta["niSampRate"])
        mn, ma, xa, dw = (int(x) for x in meta["snsMnMaXaDw"].split(","))
        raw = np.memmap(binp, dtype="<i2", mode="r").reshape(-1, n)
        col = mn + ma + xa  # first digital word (all channels saved in these fixtures)
        word = raw[:, col].astype(np.int32) & 0xFFFF
        bits = {}
        for b in range(8 * int(meta.get("niXDBytes1", 2))):
            x = (word >> b) & 1
            dd = np.diff(x)
            rise = np.flatnonzero(dd == 1) + 1
            fall = np.flatnonzero(dd == -1) + 1
            bits[str(b)] = {
                "risingSamples": arr(rise),
                "fallingSamples": arr(fall),
                "rising": arr(rise / rate),
                "falling": arr(fall / rate),
            }
        out["spikeglx"][os.path.relpath(binp, FIX)] = {"nSamples": int(raw.shape[0]), "sampleRate": rate, "bits": bits}
    gpio_p = os.path.join(FIX, "ttl", "ibl_bodyCamera", "_iblrig_bodyCamera.GPIO.bin")
    if os.path.exists(gpio_p):
        w = np.fromfile(gpio_p, dtype=np.float64).astype(np.int64)
        bits = {}
        for b in range(28, 32):
            x = (w >> b) & 1
            dd = np.diff(x)
            bits[str(b)] = {"risingSamples": arr(np.flatnonzero(dd == 1) + 1), "fallingSamples": arr(np.flatnonzero(dd == -1) + 1)}
        fc = np.fromfile(os.path.join(FIX, "ttl", "ibl_bodyCamera", "_iblrig_bodyCamera.frame_counter.bin"), dtype=np.float64)
        dfc = np.diff(fc)
        out["ibl"] = {
            "gpio": {"n": int(w.size), "bits": bits},
            "frameCounter": {"n": int(fc.size), "missing": int(np.sum(dfc[dfc > 1] - 1)), "duplicates": int(np.sum(dfc == 0))},
        }
    ssv_p = os.path.join(FIX, "ttl", "ibl_bodyCamera", "_iblrig_bodyCamera.timestamps.ssv")
    if os.path.exists(ssv_p):
        import pandas as pd

        df = pd.read_csv(ssv_p, sep=" ", header=None, usecols=[0, 1], names=["bonsai", "camera"])
        ns = pd.to_datetime(df["bonsai"]).astype("int64").to_numpy()
        raw = df["camera"].to_numpy().astype(np.int64)
        # ibllib raw_data_loaders.convert_pgts / uncycle_pgts
        conv = ((raw >> 25) & 0x7F) + ((raw >> 12) & 0x1FFF) / 8000.0
        cyc = np.cumsum(np.insert(np.diff(conv) < 0, 0, False))
        out["ibl"]["ssv"] = {
            "count": int(raw.size),
            "bonsaiStart": str(df["bonsai"].iloc[0]),
            "bonsaiSeconds": arr((ns - ns[0]) / 1e9),
            "cameraSeconds": arr(conv + cyc * 128),
            "wraps": int(cyc[-1]),
        }
    nwb_p = os.path.join(FIX, "ttl", "neuroconv_mock_ttl_examples.nwb")
    if os.path.exists(nwb_p):
        import h5py

        out["neuroconv"] = {}
        with h5py.File(nwb_p, "r") as f:
            for name in sorted(f["acquisition"].keys()):
                g = f["acquisition"][name]
                trace = g["data"][()]
                threshold = np.mean(trace)  # neuroconv's default
                d = np.diff(np.sign(trace - threshold))
                out["neuroconv"][name] = {
                    "dtype": str(trace.dtype),
                    "n": int(trace.size),
                    "rate": float(g["starting_time"].attrs["rate"]),
                    "startingTime": float(g["starting_time"][()]),
                    "threshold": float(threshold),
                    "rising": arr(np.where(d > 0)[0] + 1),
                    "falling": arr(np.where(d < 0)[0] + 1),
                }
    with open(os.path.join(HERE, "sync_references.json"), "w") as fh:
        json.dump(out, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")
    print("wrote", len(out["ttl"]), "ttl,", len(out["spikeglx"]), "spikeglx references")


if __name__ == "__main__":
    main()
