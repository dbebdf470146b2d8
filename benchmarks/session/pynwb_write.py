#!/usr/bin/python3
"""The baseline of benchmarks/session: pynwb 2.3.1 + ndx-pose 0.2.2 writing the same NWB content as our build
(subject, 3 cameras as Devices + external ImageSeries with TTL timestamps, TTL TimeSeries, one PoseEstimation of
18 keypoints with confidence, the trials table) from the same raw TTL and DLC files; trials come from our
interim trials.csv (no Bpod parsing on this side). Prints {"seconds", "peak_rss_mb"} as JSON.

    PYTHONPATH=... /usr/bin/python3 pynwb_write.py SESSION_DIR INTERIM_DIR OUT.nwb
"""
import json
import os
import resource
import sys
import time
from datetime import datetime, timezone

t0 = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons  # noqa: E402
from pynwb import NWBHDF5IO, NWBFile, TimeSeries  # noqa: E402
from pynwb.file import Subject  # noqa: E402
from pynwb.image import ImageSeries  # noqa: E402

session, interim, out = sys.argv[1:4]
nwb = NWBFile(
    session_description="Session BENCH",
    identifier="BENCH",
    session_start_time=datetime(2025, 1, 1, 10, tzinfo=timezone.utc),
    session_id="BENCH",
)
nwb.subject = Subject(subject_id="m1", species="Mus musculus", sex="M", age="P60D")
ttl = {}
for name in ["trials", "cam0", "cam1", "cam2"]:
    ttl[name] = np.loadtxt(os.path.join(session, "TTLs", f"{name}.txt"))
    nwb.add_acquisition(
        TimeSeries(name=f"ttl_{name}", data=np.ones(len(ttl[name])), unit="n.a.", timestamps=ttl[name], description=f"TTL {name}")
    )
for c in ["cam0", "cam1", "cam2"]:
    dev = nwb.create_device(name=f"camera_{c}", description=f"camera {c}")
    nwb.add_acquisition(
        ImageSeries(
            name=f"video_{c}",
            description=f"camera {c}",
            external_file=[f"../../raw/BENCH/Video/{c}/{c}.avi"],
            format="external",
            starting_frame=[0],
            timestamps=ttl[c],
            device=dev,
        )
    )
df = pd.read_hdf(os.path.join(session, "pose", "cam0DLC.h5"))
scorer = df.columns.get_level_values(0)[0]
parts = list(dict.fromkeys(df.columns.get_level_values(1)))
ts = ttl["cam0"][: len(df)]
series = []
for k, p in enumerate(parts):
    xy = df[(scorer, p)][["x", "y"]].to_numpy()
    series.append(
        PoseEstimationSeries(
            name=p,
            description=f"keypoint {p}",
            data=xy,
            unit="pixels",
            reference_frame="top left corner of the video frame",
            timestamps=ts if k == 0 else series[0],
            confidence=df[(scorer, p)]["likelihood"].to_numpy(),
            confidence_definition="DeepLabCut likelihood",
        )
    )
skeleton = Skeleton(name="skeleton_cam0", nodes=parts, edges=np.zeros((0, 2), dtype="uint8"))
behavior = nwb.create_processing_module(name="behavior", description="pose estimation per camera")
behavior.add(Skeletons(skeletons=[skeleton]))
behavior.add(
    PoseEstimation(
        name="pose_cam0",
        pose_estimation_series=series,
        description="DeepLabCut",
        skeleton=skeleton,
        devices=[nwb.devices["camera_cam0"]],
        source_software="DeepLabCut",
    )
)
trials = pd.read_csv(os.path.join(interim, "events", "trials.csv"))
nwb.add_trial_column(name="trial_type", description="Bpod trial type")
nwb.add_trial_column(name="outcome", description="outcome")
nwb.add_trial_column(name="sync_offset", description="seconds to the session clock")
for r in trials.itertuples():
    off = 0.0 if np.isnan(r.sync_offset_s) else r.sync_offset_s
    nwb.add_trial(
        start_time=r.start_time + off,
        stop_time=r.stop_time + off,
        trial_type=int(r.trial_type),
        outcome=str(r.outcome),
        sync_offset=r.sync_offset_s,
    )
with NWBHDF5IO(out, "w") as io:
    io.write(nwb)
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
