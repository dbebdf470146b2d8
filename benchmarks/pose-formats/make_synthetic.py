#!/usr/bin/python3
"""Synthetic pose files for benchmarks/pose-formats: N frames x K keypoints, one animal.

    /usr/bin/python3 make_synthetic.py OUT_DIR N_FRAMES N_KEYPOINTS

Writes dlc.csv (pandas to_csv), dlc_table.h5 (to_hdf format="table", key df_with_missing), dlc_fixed.h5
(format="fixed", key df) and sleap.slp (SLEAP format 1.2 layout written with h5py: one predicted instance
per frame, no tracks).
"""
import json
import os
import sys

import h5py
import numpy as np
import pandas as pd

out, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(12)
xy = np.cumsum(rng.normal(0, 1, size=(n, k, 2)), axis=0) + 300
lik = rng.uniform(0, 1, size=(n, k))
xy[rng.uniform(size=(n, k)) < 0.02] = np.nan
scorer = "DLC_resnet50_benchJan01shuffle1_100000"
cols = pd.MultiIndex.from_product([[scorer], [f"kp{j}" for j in range(k)], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"])
vals = np.empty((n, k * 3))
vals[:, 0::3] = xy[:, :, 0]
vals[:, 1::3] = xy[:, :, 1]
vals[:, 2::3] = lik
df = pd.DataFrame(vals, columns=cols)
df.to_csv(os.path.join(out, "dlc.csv"))
df.to_hdf(os.path.join(out, "dlc_table.h5"), key="df_with_missing", format="table", mode="w")
df.to_hdf(os.path.join(out, "dlc_fixed.h5"), key="df", format="fixed", mode="w")

nodes = [{"name": f"kp{j}", "weight": 1.0} for j in range(k)]
links = [{"edge_insert_idx": j, "key": 0, "source": j, "target": j + 1, "type": {"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [1]}]} if j == 0 else {"py/id": 1}} for j in range(k - 1)]
meta = {"version": "2.0.0", "skeletons": [{"directed": True, "graph": {"name": "bench", "num_edges_inserted": k - 1}, "links": links, "multigraph": True, "nodes": [{"id": j} for j in range(k)]}], "nodes": nodes, "videos": [], "tracks": [], "suggestions": [], "negative_anchors": {}, "provenance": {"sleap_version": "1.3.3"}}
with h5py.File(os.path.join(out, "sleap.slp"), "w") as f:
    g = f.create_group("metadata")
    g.attrs["format_id"] = 1.2
    g.attrs["json"] = np.bytes_(json.dumps(meta))
    f.create_dataset("videos_json", data=[json.dumps({"backend": {"filename": "bench.mp4"}}).encode()], maxshape=(None,))
    f.create_dataset("tracks_json", data=np.zeros((0,), dtype="S1"), maxshape=(None,))
    fr = np.zeros(n, dtype=[("frame_id", "<u8"), ("video", "<u4"), ("frame_idx", "<u8"), ("instance_id_start", "<u8"), ("instance_id_end", "<u8")])
    fr["frame_id"] = fr["frame_idx"] = np.arange(n)
    fr["instance_id_start"] = np.arange(n)
    fr["instance_id_end"] = np.arange(n) + 1
    f.create_dataset("frames", data=fr, maxshape=(None,))
    ins = np.zeros(n, dtype=[("instance_id", "<i8"), ("instance_type", "u1"), ("frame_id", "<u8"), ("skeleton", "<u4"), ("track", "<i4"), ("from_predicted", "<i8"), ("score", "<f4"), ("point_id_start", "<u8"), ("point_id_end", "<u8"), ("tracking_score", "<f4")])
    ins["instance_id"] = ins["frame_id"] = np.arange(n)
    ins["instance_type"] = 1
    ins["track"] = -1
    ins["from_predicted"] = -1
    ins["score"] = 0.9
    ins["point_id_start"] = np.arange(n) * k
    ins["point_id_end"] = np.arange(n) * k + k
    f.create_dataset("instances", data=ins, maxshape=(None,))
    pdt = [("x", "<f8"), ("y", "<f8"), ("visible", "?"), ("complete", "?"), ("score", "<f8")]
    pp = np.zeros(n * k, dtype=pdt)
    pp["x"] = xy[:, :, 0].ravel()
    pp["y"] = xy[:, :, 1].ravel()
    pp["visible"] = ~np.isnan(pp["x"])
    pp["score"] = lik.ravel()
    f.create_dataset("pred_points", data=pp, maxshape=(None,))
    f.create_dataset("points", data=np.zeros(0, dtype=pdt[:4]), maxshape=(None,))
print("ok")
