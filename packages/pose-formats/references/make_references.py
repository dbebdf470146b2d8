#!/usr/bin/python3
"""Reference summaries of every pose fixture, as the Python ecosystem reads them.

Run with Debian's Python (python3-pandas, python3-tables, python3-h5py):

    /usr/bin/python3 packages/pose-formats/references/make_references.py [FIXTURES_DIR]

FIXTURES_DIR defaults to ../shared/fixtures beside the repository. Writes one small JSON per fixture next to
this script; the tests in src/references.test.ts compare @neuropose/pose-formats' readers with them.

- DeepLabCut: pandas.read_hdf (both "table" and "fixed" formats) and pandas.read_csv(header=[0..n], index_col=0),
  values as pandas gives them (no 0.0 → NaN replacement: the count of (0, 0, 0) triples is recorded instead).
- SLEAP .slp: h5py reads the raw tables; the dense (frames, individuals, nodes, 2) array is built here with
  SLEAP's rules (user instances replace the predicted instance they were made from; tracks are individuals when
  the file has tracks, else instances in order, user first; invisible points are NaN); skeleton edges decoded as
  sleap-io does (link type 1 = edge).
- SLEAP analysis .h5: h5py, transposed back to (frames, tracks, nodes, 2).
- OpenPose: json, (0, 0, 0) parts read as missing.
"""
import glob
import json
import math
import os
import sys

import h5py
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures"))


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def nums(a):
    return [num(v) for v in np.asarray(a, dtype="float64").ravel()]


def pick_rows(n):
    return sorted(set(i for i in (0, 1, n // 2, n - 1) if 0 <= i < n))


def write(name, doc):
    path = os.path.join(HERE, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(path, os.path.getsize(path), "bytes")


def dlc_summary(df, fixture, reader):
    cols = [list(map(str, c)) if isinstance(c, tuple) else [str(c)] for c in df.columns]
    vals = df.to_numpy(dtype="float64")
    names = list(df.columns.names)
    coords_at = names.index("coords") if "coords" in names else len(cols[0]) - 1
    zero_triples = 0
    # (0, 0, 0) triples: x, y, likelihood of one bodypart all exactly 0
    groups = {}
    for j, c in enumerate(cols):
        # the scorer level is left out: CSVs read with one header row carry ".1", ".2" suffixes on it
        scorer_at = names.index("scorer") if "scorer" in names else -1
        key = tuple(v for i, v in enumerate(c) if i not in (coords_at, scorer_at))
        groups.setdefault(key, {})[c[coords_at]] = j
    for g in groups.values():
        if {"x", "y", "likelihood"} <= set(g):
            x, y, l = vals[:, g["x"]], vals[:, g["y"]], vals[:, g["likelihood"]]
            zero_triples += int(np.sum((x == 0) & (y == 0) & (l == 0)))
    rows = pick_rows(len(df))
    return {
        "fixture": fixture,
        "reader": reader,
        "shape": list(vals.shape),
        "level_names": [None if n is None else str(n) for n in names],
        "columns": cols,
        "index_first": num(df.index[0]) if len(df) else None,
        "index_last": num(df.index[-1]) if len(df) else None,
        "index_is_range": bool(np.array_equal(np.asarray(df.index, dtype="float64"), np.arange(len(df), dtype="float64"))),
        "col_nansum": [num(np.nansum(vals[:, j])) for j in range(vals.shape[1])],
        "col_nan": [int(np.isnan(vals[:, j]).sum()) for j in range(vals.shape[1])],
        "zero_triples": zero_triples,
        "rows": {str(r): nums(vals[r]) for r in rows},
    }


def dlc():
    for path, reader in [
        ("dlc/single_openfield/m3v1mp4DLC_resnet50_openfieldOct30shuffle1_1000.h5", "pandas.read_hdf"),
        ("dlc/single_openfield/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5", "pandas.read_hdf"),
        ("dlc/deepof_single/testDLC_h5_table.h5", "pandas.read_hdf"),
        ("dlc/deepof_madlc/testDLC_h5_table_madlc.h5", "pandas.read_hdf"),
        ("w2t-session/Session-000001/pose_sample.h5", "pandas.read_hdf"),
        ("dlc/deepof_single/testDLC_csv_table.csv", "pandas.read_csv"),
        ("dlc/deepof_madlc/testDLC_csv_table_madlc.csv", "pandas.read_csv"),
        ("dlc/w2t_pose_sample.csv", "pandas.read_csv"),
        (glob.glob(os.path.join(ROOT, "dlc/single_csv/*.csv"))[0][len(ROOT) + 1:], "pandas.read_csv"),
    ]:
        full = os.path.join(ROOT, path)
        if reader == "pandas.read_hdf":
            df = pd.read_hdf(full)
            with pd.HDFStore(full, "r") as st:
                key = st.keys()[0]
                fmt = "table" if st.get_storer(key).is_table else "fixed"
            reader = f"pandas.read_hdf (key {key}, {fmt} format)"
        else:
            with open(full) as f:
                nh = 0
                for line in f:
                    if line.split(",")[0].strip() in ("scorer", "individuals", "bodyparts", "coords"):
                        nh += 1
                    else:
                        break
            df = pd.read_csv(full, header=list(range(nh)), index_col=0)
            reader = f"pandas.read_csv(header={list(range(nh))}, index_col=0)"
        name = "dlc__" + path.replace("/", "__")
        doc = dlc_summary(df, path, reader)
        if reader.startswith("pandas.read_csv"):
            # pandas' default C float parser is not correctly rounded (last-bit differences); the values the
            # writer printed are what float_precision="round_trip" (Python's float()) recovers.
            rt = pd.read_csv(full, header=list(range(nh)), index_col=0, float_precision="round_trip")
            vals = rt.to_numpy(dtype="float64")
            doc["rows_round_trip"] = {r: nums(vals[int(r)]) for r in doc["rows"]}
            doc["default_parser_last_bit_differences"] = int(np.sum(vals != df.to_numpy(dtype="float64")))
        write(name[:120], doc)


def sleap_skeleton(meta, si=0):
    node_names = [n["name"] for n in meta["nodes"]]
    skel = meta["skeletons"][si]
    ids = [n["id"] for n in skel["nodes"]]
    edges = []
    reduce_types = []
    for link in skel["links"]:
        t = link["type"]
        if "py/reduce" in t:
            et = t["py/reduce"][1]["py/tuple"][0]
            reduce_types.append(et)
        else:
            pid = t["py/id"]
            et = reduce_types[pid - 1] if pid - 1 < len(reduce_types) else pid
        if et == 1:
            edges.append([ids.index(link["source"]), ids.index(link["target"])])
    return [node_names[i] for i in ids], edges


def sleap_dense(f, video=0, si=0):
    meta = json.loads(f["metadata"].attrs["json"])
    nodes, edges = sleap_skeleton(meta, si)
    frames = f["frames"][:]
    inst = f["instances"][:]
    pts = f["points"][:]
    pred = f["pred_points"][:]
    tracks = [json.loads(t)[1] for t in f["tracks_json"][:]] if len(f["tracks_json"]) else []
    fr = frames[frames["video"] == video]
    n_frames = int(fr["frame_idx"].max()) + 1
    kept = []
    for row in fr:
        s, e = int(row["instance_id_start"]), int(row["instance_id_end"])
        ins = inst[s:e]
        replaced = set(int(i["from_predicted"]) for i in ins if i["instance_type"] == 0 and i["from_predicted"] >= 0)
        users = [i for i in ins if i["instance_type"] == 0 and i["skeleton"] == si and (not tracks or i["track"] >= 0)]
        # from_predicted is the row in /instances (SLEAP's reader: instances[from_predicted])
        preds = [i for r, i in enumerate(ins, start=s) if i["instance_type"] == 1 and r not in replaced and i["skeleton"] == si and (not tracks or i["track"] >= 0)]
        kept.append((int(row["frame_idx"]), users + preds))
    n_ind = len(tracks) if tracks else max(len(k) for _, k in kept)
    arr = np.full((n_frames, n_ind, len(nodes), 2), np.nan)
    conf = np.full((n_frames, n_ind, len(nodes)), np.nan)
    n_user = n_pred = 0
    for fi, lst in kept:
        taken = set()
        for slot_next, i in enumerate(lst):
            slot = int(i["track"]) if tracks else slot_next
            if slot in taken:
                continue
            taken.add(slot)
            user = i["instance_type"] == 0
            n_user += user
            n_pred += not user
            p = (pts if user else pred)[int(i["point_id_start"]):int(i["point_id_end"])]
            vis = p["visible"].astype(bool) & ~np.isnan(p["x"]) & ~np.isnan(p["y"])
            arr[fi, slot, vis, 0] = p["x"][vis]
            arr[fi, slot, vis, 1] = p["y"][vis]
            conf[fi, slot, vis] = 1.0 if user else p["score"][vis]
    return {
        "format_id": float(f["metadata"].attrs["format_id"]),
        "nodes": nodes,
        "edges": edges,
        "individuals": tracks if tracks else [f"instance_{i}" for i in range(n_ind)],
        "instances": {"user": int(n_user), "predicted": int(n_pred)},
        "sleap_version": meta.get("provenance", {}).get("sleap_version"),
    }, arr, conf


def pose_summary(arr, conf):
    n = arr.shape[0]
    rows = pick_rows(n)
    return {
        "shape": list(arr.shape),
        "nansum_x": num(np.nansum(arr[..., 0])),
        "nansum_y": num(np.nansum(arr[..., 1])),
        "nansum_conf": num(np.nansum(conf)),
        "nan_points": int(np.isnan(arr[..., 0]).sum()),
        "nan_conf": int(np.isnan(conf).sum()),
        "per_keypoint_nansum_x": [num(np.nansum(arr[:, :, k, 0])) for k in range(arr.shape[2])],
        "rows": {str(r): {"xy": nums(arr[r]), "conf": nums(conf[r])} for r in rows},
    }


def sleap():
    for path in ["sleap/dance.mp4.labels.slp", "sleap/centered_pair_predictions.slp", "sleap/deepof/testDLC_sleap.slp"]:
        with h5py.File(os.path.join(ROOT, path), "r") as f:
            info, arr, conf = sleap_dense(f)
        doc = {"fixture": path, "reader": "h5py (dense array built with SLEAP's instance rules)", **info, **pose_summary(arr, conf)}
        write("sleap__" + path.replace("/", "__"), doc)
    for path in ["sleap/small_robot.000_small_robot_3_frame.analysis.h5", "sleap/deepof/testDLC_sleap.analysis.h5"]:
        with h5py.File(os.path.join(ROOT, path), "r") as f:
            tracks = f["tracks"][:]  # (tracks, 2, nodes, frames) as SLEAP writes it for MATLAB
            arr = np.transpose(tracks, (3, 0, 2, 1))
            conf = np.transpose(f["point_scores"][:], (2, 0, 1))
            doc = {
                "fixture": path,
                "reader": "h5py, transposed to (frames, tracks, nodes, 2)",
                "nodes": [n.decode() for n in f["node_names"][:]],
                "edges": f["edge_inds"][:].tolist(),
                "individuals": [n.decode() for n in f["track_names"][:]],
                "raw_tracks_shape": list(tracks.shape),
                **pose_summary(arr, conf),
            }
        write("sleap__" + path.replace("/", "__"), doc)


def openpose():
    folder = os.path.join(ROOT, "openpose/mobile-gaitlab_input_keypoints")
    files = sorted(glob.glob(os.path.join(folder, "*_keypoints.json")), key=lambda p: int(p.rsplit("_", 2)[-2]))
    docs = [json.load(open(p)) for p in files]
    n_ind = max(len(d["people"]) for d in docs)
    arr = np.full((len(docs), n_ind, 25, 2), np.nan)
    conf = np.full((len(docs), n_ind, 25), np.nan)
    zeros = 0
    for fi, d in enumerate(docs):
        for i, p in enumerate(d["people"]):
            k = np.asarray(p["pose_keypoints_2d"], dtype="float64").reshape(-1, 3)
            z = (k[:, 0] == 0) & (k[:, 1] == 0) & (k[:, 2] == 0)
            zeros += int(z.sum())
            arr[fi, i, ~z] = k[~z, :2]
            conf[fi, i, ~z] = k[~z, 2]
    doc = {
        "fixture": "openpose/mobile-gaitlab_input_keypoints",
        "reader": "json (OpenPose BODY_25; (0, 0, 0) = missing)",
        "files": len(files),
        "first_frame": int(files[0].rsplit("_", 2)[-2]),
        "last_frame": int(files[-1].rsplit("_", 2)[-2]),
        "version": str(docs[0].get("version")),
        "zero_parts": zeros,
        **pose_summary(arr, conf),
    }
    write("openpose__mobile-gaitlab_input_keypoints", doc)


if __name__ == "__main__":
    print("pandas", pd.__version__, "h5py", h5py.__version__, "numpy", np.__version__)
    dlc()
    sleap()
    openpose()
