#!/usr/bin/python3
"""Reference values for @neuropose/trials, computed by the Python ecosystem (scipy.io.loadmat, json, h5py).

Run with Debian's python3 (python3-scipy, python3-numpy, python3-h5py):

    /usr/bin/python3 packages/trials/references/make_references.py && npx biome format --write packages/trials/references

Writes, beside this script:
- bpod_<name>.json for every Bpod .mat in ../shared/fixtures/{bpod,w2t-session}: the squeezed top-level
  SessionData fields, the trials table (start, stop, type, outcome, per-state first onset/last offset/visits)
  and the events table, all computed here from scipy.io.loadmat(squeeze_me=True, struct_as_record=False);
- iblrig_<name>.json for every iblrig .jsonable (json.loads with Python's NaN tokens);
- mat_classes_v5.mat / mat_classes_v5_uncompressed.mat (scipy.io.savemat) and mat_classes.json (what
  loadmat(squeeze_me=True) reads back), to check the MAT reader beyond Bpod;
- mat_sparse.mat: a sparse matrix between two plain variables (the reader rejects it with a clear error);
- bpod_v73_sample.mat: a MAT v7.3-style HDF5 file written with h5py (MATLAB_class attributes, 512-byte user
  block, transposed storage, cells as object references) and bpod_v73_sample.json (the values written).
NaN and infinities are written as the strings "NaN", "Infinity", "-Infinity" (strict JSON); the tests decode them.
"""
import glob
import json
import math
import os
import sys

import numpy as np
import scipy.io as sio
from scipy.io.matlab import mat_struct

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIX = os.path.join(REPO, "..", "shared", "fixtures")
OUTCOMES = ["HIT", "Miss", "CorrectReject", "FalseAlarm"]


def plain(x):
    """numpy / mat_struct -> JSON-able (numpy arrays nest row-major, like squeezeMat)."""
    if isinstance(x, mat_struct):
        return {k: plain(getattr(x, k)) for k in x._fieldnames}
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            return [plain(v) for v in x.tolist()] if x.ndim else plain(x.item())
        if x.dtype.kind == "U":
            return x.tolist()
        if x.dtype == bool:
            return x.tolist()
        return [plain(v) for v in x.tolist()] if x.ndim else float(x)
    if isinstance(x, list):
        return [plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, float, np.integer, np.floating)):
        return float(x)
    if isinstance(x, str):
        return x
    return repr(x)


def as_list(x):
    """A squeezed scalar-or-array of trials -> list."""
    if isinstance(x, np.ndarray):
        return list(x.ravel()) if x.ndim else [x.item()]
    return [x]


def visits(v):
    a = np.atleast_2d(np.asarray(v, dtype=float))
    if a.size == 0:
        return []
    if a.shape[1] != 2 and a.shape[0] == 2:
        a = a.T
    return [(float(s), float(e)) for s, e in a if not (math.isnan(s) and math.isnan(e))]


def table(raw_trials, outcome_states=OUTCOMES):
    """raw_trials: list of dicts start, stop, type, states {name: [(s, e)]}, events {name: [t]} (relative)."""
    names = []
    for t in raw_trials:
        for n in t["states"]:
            if n not in names:
                names.append(n)
    trials, events = [], []
    for i, t in enumerate(raw_trials):
        start = t["start"]
        st = {}
        for n in names:
            vs = [(start + s, start + e) for s, e in t["states"].get(n, [])]
            st[n] = [vs[0][0] if vs else float("nan"), vs[-1][1] if vs else float("nan"), len(vs)]
        outcome, best = None, float("inf")
        for n in outcome_states:
            if n in st and not math.isnan(st[n][0]) and st[n][0] < best:
                best, outcome = st[n][0], n
        trials.append({"trial": i + 1, "type": t["type"], "start": start, "stop": t["stop"], "outcome": outcome, "states": st})
        mine = [[start + x, n, i + 1] for n, ts in t["events"].items() for x in ts]
        mine.sort(key=lambda r: r[0])
        events.extend(mine)
    return {"stateNames": names, "trials": trials, "events": digest(events)}


def digest(events):
    """All events when few; else counts, exact sums per name and every k-th event (keeps the JSON small)."""
    if len(events) <= 500:
        return {"count": len(events), "all": events}
    per = {}
    for t, n, _ in events:
        per.setdefault(n, []).append(t)
    k = -(-len(events) // 200)
    return {
        "count": len(events),
        "every": k,
        "sample": events[::k],
        "perName": {n: [len(ts), math.fsum(ts)] for n, ts in per.items()},
    }


def bpod_reference(path):
    m = sio.loadmat(path, squeeze_me=True, struct_as_record=False)
    sd = m["SessionData"]
    fields = sd._fieldnames
    n = int(sd.nTrials)
    starts = [float(x) for x in np.atleast_1d(sd.TrialStartTimestamp)]
    ends = [float(x) for x in np.atleast_1d(sd.TrialEndTimestamp)] if "TrialEndTimestamp" in fields else None
    types = [float(x) for x in np.atleast_1d(sd.TrialTypes)] if "TrialTypes" in fields else None
    raw = []
    for i, tr in enumerate(as_list(sd.RawEvents.Trial)):
        states = {k: visits(getattr(tr.States, k)) for k in tr.States._fieldnames}
        events = {}
        if isinstance(getattr(tr, "Events", None), mat_struct):
            events = {k: [float(x) for x in np.atleast_1d(getattr(tr.Events, k))] for k in tr.Events._fieldnames}
        start = starts[i]
        if ends is not None:
            stop = ends[i]
        else:
            last = max((e for vs in states.values() for _, e in vs), default=None)
            stop = start + last if last is not None else start
        raw.append({"start": start, "stop": stop, "type": types[i] if types and i < len(types) else None, "states": states, "events": events})
    ref = table(raw)
    ref["file"] = os.path.relpath(path, FIX)
    ref["nTrials"] = n
    ref["layout"] = "gen2" if ends is not None else "r0.5"
    ref["sessionData"] = {
        k: plain(getattr(sd, k)) for k in ["nTrials", "TrialStartTimestamp", "TrialEndTimestamp", "TrialTypes"] if k in fields
    }
    ref["fields"] = list(fields)
    if "Info" in fields:
        ref["info"] = plain(sd.Info)
    return ref


def iblrig_reference(path):
    raw = []
    for line in open(path, encoding="utf8"):
        if not line.strip():
            continue
        d = json.loads(line)
        bd = d["behavior_data"]
        states = {k: [(float(s), float(e)) for s, e in v if not (math.isnan(s) and math.isnan(e))] for k, v in bd["States timestamps"].items()}
        events = {k: [float(x) for x in (v if isinstance(v, list) else [v])] for k, v in bd["Events timestamps"].items()}
        raw.append({"start": bd["Trial start timestamp"], "stop": bd["Trial end timestamp"], "type": None, "states": states, "events": events})
    ref = table(raw, ["correct", "error", "no_go"])
    ref["file"] = os.path.relpath(path, FIX)
    return ref


def mat_classes():
    st = np.empty((1, 3), dtype=[("a", object), ("b", object)])
    for i in range(3):
        st[0, i] = (float(i), "s%d" % i)
    data = {
        "d_scalar": 3.5,
        "d_row": np.array([[1.0, 2.0, 3.0]]),
        "d_col": np.array([[1.0], [2.0]]),
        "d_mat": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
        "d_3d": np.arange(24, dtype=float).reshape(2, 3, 4),
        "d_nan": np.array([[np.nan, 1.0, np.inf, -np.inf]]),
        "d_empty": np.zeros((0, 0)),
        "i8": np.array([[-128, 0, 127]], dtype=np.int8),
        "u8": np.array([[0, 255]], dtype=np.uint8),
        "i16": np.array([[-32768, 32767]], dtype=np.int16),
        "u16": np.array([[65535]], dtype=np.uint16),
        "i32": np.array([[-2147483648, 2147483647]], dtype=np.int32),
        "u32": np.array([[4294967295]], dtype=np.uint32),
        "i64": np.array([[-(2**53), 2**53]], dtype=np.int64),
        "f32": np.array([[1.5, -0.25]], dtype=np.float32),
        "logical": np.array([[True, False, True]]),
        "text": "hello, Bpod",
        "text_utf": "µs ±5 °C",
        "char_rows": np.array(["ab", "cd"]),
        "cell_mixed": np.array([[1.0, "two", np.array([[3.0, 4.0]])]], dtype=object),
        "cell_one": np.array([[np.array([[7.0, 8.0]])]], dtype=object),
        "struct_scalar": {"x": 1.0, "y": "why", "nested": {"z": np.array([[1.0, 2.0]])}},
        "struct_array": st,
    }
    out = {}
    for compress, name in [(True, "mat_classes_v5.mat"), (False, "mat_classes_v5_uncompressed.mat")]:
        p = os.path.join(HERE, name)
        sio.savemat(p, data, do_compression=compress, oned_as="row")
    back = sio.loadmat(os.path.join(HERE, "mat_classes_v5.mat"), squeeze_me=True, struct_as_record=False)
    for k in data:
        out[k] = plain(back[k])
    return out


def v73_sample():
    """A MAT v7.3-style file as MATLAB writes it (the subset Bpod uses), plus the values written."""
    import h5py

    p = os.path.join(HERE, "bpod_v73_sample.mat")
    if os.path.exists(p):
        os.remove(p)
    with h5py.File(p, "w", userblock_size=512) as f:
        refs = f.create_group("#refs#")
        sd = f.create_group("SessionData")
        sd.attrs["MATLAB_class"] = np.bytes_("struct")

        def num(g, name, arr, cls="double"):
            a = np.asarray(arr, dtype=float if cls == "double" else cls)
            a = np.atleast_2d(a)
            d = g.create_dataset(name, data=a.T)  # MATLAB dims reversed
            d.attrs["MATLAB_class"] = np.bytes_(cls)
            return d

        num(sd, "nTrials", [[2.0]])
        num(sd, "TrialStartTimestamp", [[0.5, 12.25]])
        num(sd, "TrialEndTimestamp", [[11.5, 20.0]])
        num(sd, "TrialTypes", [[1, 2]], "uint8")
        info = sd.create_group("Info")
        info.attrs["MATLAB_class"] = np.bytes_("struct")
        txt = "1.8.0"
        d = info.create_dataset("BpodSoftwareVersion", data=np.array([[ord(c)] for c in txt], dtype=np.uint16))
        d.attrs["MATLAB_class"] = np.bytes_("char")
        d.attrs["MATLAB_int_decode"] = np.int32(2)
        raw = sd.create_group("RawEvents")
        raw.attrs["MATLAB_class"] = np.bytes_("struct")
        trials = [
            {"States": {"ITI": [[0.0, 7.0]], "HIT": [[7.0, 7.01]], "Miss": [[np.nan, np.nan]]}, "Events": {"Tup": [[7.0, 7.01]], "BNC1High": [[3.5]]}},
            {"States": {"ITI": [[0.0, 2.0], [4.0, 5.0]], "HIT": [[np.nan, np.nan]], "Miss": [[5.0, 5.5]]}, "Events": {"Tup": [[2.0, 5.0, 5.5]]}},
        ]
        cell_refs = []
        for i, t in enumerate(trials):
            g = refs.create_group("t%d" % i)
            g.attrs["MATLAB_class"] = np.bytes_("struct")
            for part in ["States", "Events"]:
                pg = g.create_group(part)
                pg.attrs["MATLAB_class"] = np.bytes_("struct")
                # MATLAB records the field order (HDF5 links are listed alphabetically)
                fields = np.empty(len(t[part]), dtype=object)
                for j, k in enumerate(t[part]):
                    fields[j] = np.array(list(k), dtype="S1")
                pg.attrs.create("MATLAB_fields", fields, dtype=h5py.vlen_dtype(np.dtype("S1")))
                for k, v in t[part].items():
                    num(pg, k, v)
            cell_refs.append(g.ref)
        cd = raw.create_dataset("Trial", data=np.array([cell_refs], dtype=h5py.ref_dtype).T, dtype=h5py.ref_dtype)
        cd.attrs["MATLAB_class"] = np.bytes_("cell")
        empty = sd.create_dataset("Empty", data=np.array([0, 0], dtype=np.uint64))
        empty.attrs["MATLAB_class"] = np.bytes_("double")
        empty.attrs["MATLAB_empty"] = np.uint8(1)
        lg = num(sd, "Flags", [[1, 0, 1]], "uint8")
        lg.attrs["MATLAB_class"] = np.bytes_("logical")
    with open(p, "r+b") as fh:
        hdr = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026 HDF5 schema 1.00 ."
        fh.write(hdr.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02IM")
    raw = []
    starts, ends, types = [0.5, 12.25], [11.5, 20.0], [1.0, 2.0]
    for i, t in enumerate(trials):
        raw.append(
            {
                "start": starts[i],
                "stop": ends[i],
                "type": types[i],
                "states": {k: visits(v) for k, v in t["States"].items()},
                "events": {k: [float(x) for x in np.ravel(v)] for k, v in t["Events"].items()},
            }
        )
    ref = table(raw)
    ref["softwareVersion"] = "1.8.0"
    return ref


def finite_json(x):
    """NaN/Infinity as the strings "NaN"/"Infinity"/"-Infinity" (strict JSON, like @neuropose/io's encoding)."""
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    if isinstance(x, dict):
        return {k: finite_json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite_json(v) for v in x]
    return x


def dump(name, obj):
    with open(os.path.join(HERE, name), "w") as fh:
        json.dump(finite_json(obj), fh, indent=None, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


def main():
    if not os.path.isdir(FIX):
        sys.exit("fixtures not found at %s" % FIX)
    mats = sorted(glob.glob(os.path.join(FIX, "bpod", "**", "*.mat"), recursive=True))
    mats += sorted(glob.glob(os.path.join(FIX, "w2t-session", "**", "*.mat"), recursive=True))
    index = {"bpod": [], "iblrig": []}
    for p in mats:
        name = "bpod_" + os.path.splitext(os.path.basename(p))[0] + ".json"
        dump(name, bpod_reference(p))
        index["bpod"].append({"fixture": os.path.relpath(p, FIX), "reference": name})
    for p in sorted(glob.glob(os.path.join(FIX, "bpod", "**", "*.jsonable"), recursive=True)):
        name = "iblrig_" + os.path.splitext(os.path.basename(p))[0].replace(".", "_") + ".json"
        dump(name, iblrig_reference(p))
        index["iblrig"].append({"fixture": os.path.relpath(p, FIX), "reference": name})
    dump("mat_classes.json", mat_classes())
    import scipy.sparse

    sio.savemat(os.path.join(HERE, "mat_sparse.mat"), {"before": 1.0, "S": scipy.sparse.csc_matrix(np.eye(3)), "after": "x"})
    dump("bpod_v73_sample.json", v73_sample())
    # the merged session as the W2T session.toml asks (name_asc, continuous_time false and true)
    index["versions"] = {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": __import__("scipy").__version__}
    dump("index.json", index)
    print("wrote", len(index["bpod"]), "bpod and", len(index["iblrig"]), "iblrig references")


if __name__ == "__main__":
    main()
