#!/usr/bin/python3
"""Synthetic raw session for benchmarks/session.

    /usr/bin/python3 make_session.py SESSION_DIR SECONDS N_TRIALS

Writes, beside the stand-in videos the benchmark makes with ffmpeg:
- TTLs/cam{0,1,2}.txt: one rising-edge time per line (CRLF), 150 Hz, each camera with its own offset and
  a few ppm of drift;
- TTLs/trials.txt: one pulse per trial (the Bpod sync state onsets on the session clock);
- pose/cam0DLC.h5: DeepLabCut pandas PyTables file (format "table", key df_with_missing), 18 keypoints,
  one row per frame of camera 0;
- Bpod/session.mat: a Bpod SessionData struct (scipy.io.savemat, MAT v5) with N_TRIALS trials, states
  ITI/Stimulus/Response/HIT or Miss, events Port1In/Port1Out, TrialTypes 1/2.
"""
import os
import sys

import numpy as np
import pandas as pd
import scipy.io as sio

out, seconds, n_trials = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
fps = 150.0
n = int(round(seconds * fps))
rng = np.random.default_rng(7)
os.makedirs(os.path.join(out, "TTLs"), exist_ok=True)
os.makedirs(os.path.join(out, "pose"), exist_ok=True)
os.makedirs(os.path.join(out, "Bpod"), exist_ok=True)
for c, (off, ppm) in enumerate([(0.25, 3.0), (0.2503, -2.0), (0.2507, 0.0)]):
    t = off + np.arange(n) / fps * (1 + ppm * 1e-6) + rng.normal(0, 20e-6, n)
    with open(os.path.join(out, "TTLs", f"cam{c}.txt"), "w", newline="") as f:
        f.write("\r\n".join(f"{x:.6f}" for x in t))

# Trials: spread over the session with a jittered inter-trial interval; the sync state "Stimulus" starts 0.5 s into each trial.
period = seconds / n_trials
starts = 1.0 + np.arange(n_trials) * period + rng.uniform(0, 0.1 * period, n_trials)  # trials are not periodic
with open(os.path.join(out, "TTLs", "trials.txt"), "w", newline="") as f:
    f.write("\r\n".join(f"{s + 0.5:.6f}" for s in starts))
trials = np.empty(n_trials, dtype=object)
for i in range(n_trials):
    d = period * 0.8
    hit = i % 3 != 0
    states = {
        "ITI": np.array([0.0, 0.5]),
        "Stimulus": np.array([0.5, 1.0]),
        "Response": np.array([1.0, 1.5]),
        "HIT": np.array([1.5, d]) if hit else np.array([np.nan, np.nan]),
        "Miss": np.array([np.nan, np.nan]) if hit else np.array([1.5, d]),
    }
    events = {"Port1In": np.array([1.2, 1.3]), "Port1Out": np.array([1.25, 1.35])}
    trials[i] = {"States": states, "Events": events}
session = {
    "nTrials": float(n_trials),
    "TrialStartTimestamp": starts,
    "TrialEndTimestamp": starts + period * 0.8,
    "TrialTypes": np.array([1.0 + (i % 2) for i in range(n_trials)]),
    "RawEvents": {"Trial": trials},
    "Info": {"SessionDate": "01-Jan-2025", "SessionStartTime_UTC": "10:00:00"},
}
sio.savemat(os.path.join(out, "Bpod", "session.mat"), {"SessionData": session}, oned_as="row")

k = 18
scorer = "DLC_resnet50_benchJan01shuffle1_100000"
cols = pd.MultiIndex.from_product(
    [[scorer], [f"kp{j}" for j in range(k)], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
)
vals = np.empty((n, k * 3))
vals[:, 0::3] = 300 + 50 * np.sin(np.arange(n)[:, None] / 150 + np.arange(k))
vals[:, 1::3] = 200 + 50 * np.cos(np.arange(n)[:, None] / 150 + np.arange(k))
vals[:, 2::3] = rng.uniform(0.5, 1.0, size=(n, k))
pd.DataFrame(vals, columns=cols).to_hdf(
    os.path.join(out, "pose", "cam0DLC.h5"), key="df_with_missing", format="table", mode="w"
)
