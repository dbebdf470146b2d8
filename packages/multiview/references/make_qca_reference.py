#!/usr/bin/env python3
"""Reference cameras for @neuropose/multiview's Qualisys reader, computed the way Pose2Sim converts a .qca.txt
(calibration.read_qca + world_to_camera_persp + rotate_cam(pi about x) + Rodrigues), re-derived with numpy and
scipy (Debian's python3-numpy / python3-scipy; no OpenCV needed: a rotation vector is cv2.Rodrigues' output).

  /usr/bin/python3 make_qca_reference.py ../../../../shared/fixtures/pose2sim_multiperson/calibration/Calib.qca.txt > qca_pose2sim_multiperson.json
"""
import json
import sys
import xml.etree.ElementTree as ET

import numpy as np
from scipy.spatial.transform import Rotation

root = ET.parse(sys.argv[1]).getroot()
out = []
for cam in root.findall("cameras/camera"):
    if not any(m in cam.attrib.get("model", "").lower() for m in ["video", "hybrid", "none"]):
        continue
    fov = cam.find("fov_video").attrib
    w = float(fov["right"]) - float(fov["left"]) + 1
    h = float(fov["bottom"]) - float(fov["top"]) + 1
    i = cam.find("intrinsic").attrib
    fu, fv = float(i["focalLengthU"]) / 64, float(i["focalLengthV"]) / 64
    cu = float(i["centerPointU"]) / 64 - float(fov["left"])
    cv = float(i["centerPointV"]) / 64 - float(fov["top"])
    dist = [float(i[k]) / 64 for k in ["radialDistortion1", "radialDistortion2", "tangentalDistortion1", "tangentalDistortion2"]]
    t = cam.find("transform").attrib
    T = np.array([float(t["x"]), float(t["y"]), float(t["z"])]) / 1000
    R = np.array([float(t[k]) for k in ["r11", "r12", "r13", "r21", "r22", "r23", "r31", "r32", "r33"]]).reshape(3, 3).T
    # world_to_camera_persp
    R = R.T
    T = -R @ T
    # rotate_cam(ang_x=pi)
    ax = np.pi
    Rx = np.array([1, 0, 0, 0, np.cos(ax), -np.sin(ax), 0, np.sin(ax), np.cos(ax)]).reshape(3, 3)
    R = Rx @ R
    T = Rx @ T
    out.append(
        {
            "name": cam.attrib["serial"],
            "size": [w, h],
            "fx": fu, "fy": fv, "cx": cu, "cy": cv,
            "dist": dist,
            "R": R.flatten().tolist(),
            "rodrigues": Rotation.from_matrix(R).as_rotvec().tolist(),
            "t": T.tolist(),
        }
    )
out.sort(key=lambda c: c["name"])
json.dump({"generator": "numpy + scipy re-derivation of Pose2Sim calib_qca_fun", "cameras": out}, sys.stdout, indent=1)
sys.stdout.write("\n")
