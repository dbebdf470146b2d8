#!/usr/bin/env python3
"""Reference values for @neuropose/kinematics' Butterworth design and filtfilt.

Run once with Debian's python3-scipy:  /usr/bin/python3 make_filter_references.py > filters.json
The inputs are generated here from a fixed formula (no randomness), so the file can be regenerated exactly.
"""
import json
import sys

import numpy as np
import scipy
from scipy import signal


def series(n, fs, seed):
    t = np.arange(n) / fs
    # A gait-like signal: 1 Hz fundamental, harmonics, and deterministic "noise" well above 6 Hz.
    return (
        40 * np.sin(2 * np.pi * 1.0 * t + seed)
        + 12 * np.sin(2 * np.pi * 2.0 * t + 0.3 * seed)
        + 3 * np.sin(2 * np.pi * 17.0 * t)
        + 1.5 * np.sin(2 * np.pi * 23.3 * t + 1.1)
        + 0.01 * seed
    )


cases = []
for order, cutoff, fs, n, seed in [
    (1, 6.0, 100.0, 120, 1),
    (2, 6.0, 100.0, 300, 2),
    (4, 6.0, 100.0, 300, 3),
    (4, 6.0, 30.0, 90, 4),
    (4, 10.0, 60.0, 200, 5),
    (6, 3.0, 150.0, 400, 6),
    (8, 12.0, 120.0, 250, 7),
]:
    b, a = signal.butter(order, cutoff, btype="low", fs=fs)
    x = series(n, fs, seed)
    y = signal.filtfilt(b, a, x)
    cases.append(
        {
            "order": order,
            "cutoff_hz": cutoff,
            "fs_hz": fs,
            "b": b.tolist(),
            "a": a.tolist(),
            "x": x.tolist(),
            "y": y.tolist(),
        }
    )

json.dump({"generator": f"scipy {scipy.__version__}, numpy {np.__version__}", "cases": cases}, sys.stdout)
sys.stdout.write("\n")
