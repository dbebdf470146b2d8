#!/usr/bin/python3
"""A small facemap output for the facemap import tests, written the way facemap writes it.

    /usr/bin/python3 make_proc.py OUT_DIR [N_FRAMES]

Builds a `proc` dict with facemap's per-frame fields (facemap/process.py `run`: motion, motSVD, movSVD, pupil,
blink, running) and saves it as facemap's `save()` does: `<name>_proc.npy` (np.save of the dict) and
`<name>_proc.mat` (scipy.io.savemat of the dict with every list of arrays flattened to `<key>_<i>`). NaN appears
where facemap writes it (a failed pupil fit). Also writes expected.json: every series as the importer must give
it (name → frames × width, row-major; NaN as the string "NaN").
"""
import json
import os
import sys

import numpy as np
import scipy.io as io

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
motion = [rng.random(n).astype(np.float32) * 100, rng.random(n).astype(np.float32) * 10]
motion[0][0] = 0.0
motsvd = [rng.standard_normal((n, 5)).astype(np.float32), rng.standard_normal((n, 3)).astype(np.float32)]
area = rng.random(n) * 400
area[7] = np.nan  # facemap's fit failed on this frame
com = rng.random((n, 2)) * 50
com[7] = np.nan
pupil = [{"area": area, "com": com, "axlen": rng.random((n, 2)) * 20, "area_smooth": area.copy(), "com_smooth": com.copy()}]
blink = [rng.random(n) * 30]
running = [rng.standard_normal((n, 2))]
proc = {
    "filenames": [["face.avi"]],
    "save_path": out,
    "Ly": [480],
    "Lx": [640],
    "sbin": 1,
    "save_mat": True,
    "motion": motion,
    "motSVD": motsvd,
    "movSVD": [],
    "pupil": pupil,
    "running": running,
    "blink": blink,
    "rois": None,
}
np.save(os.path.join(out, "face_proc.npy"), proc)
# facemap/process.py save(): lists of arrays become <key>_<i>; rois None -> 0
d2 = {}
proc["rois"] = 0
for k in proc.keys():
    if isinstance(proc[k], list) and len(proc[k]) > 0 and isinstance(proc[k][0], np.ndarray):
        for i in range(len(proc[k])):
            d2[k + "_%d" % i] = proc[k][i]
    else:
        d2[k] = proc[k]
io.savemat(os.path.join(out, "face_proc.mat"), d2)


def rows(a):
    a = np.asarray(a, dtype=np.float64)
    a = a.reshape(a.shape[0], -1)
    return {"width": int(a.shape[1]), "data": ["NaN" if np.isnan(x) else float(x) for x in a.ravel()]}


expected = {"nFrames": n, "series": {}}
for i, m in enumerate(motion):
    expected["series"]["motion_%d" % i] = rows(m)
for i, m in enumerate(motsvd):
    expected["series"]["motSVD_%d" % i] = rows(m)
for i, p in enumerate(pupil):
    for f in ["area", "area_smooth", "com", "com_smooth", "axlen"]:
        expected["series"]["pupil_%d_%s" % (i, f)] = rows(p[f])
expected["series"]["blink_0"] = rows(blink[0])
expected["series"]["running_0"] = rows(running[0])
with open(os.path.join(out, "expected.json"), "w") as fh:
    json.dump(expected, fh)
