// Triangulation speed: 4 calibrated views × 33 keypoints per frame (BlazePose's skeleton), with lens distortion and
// 1 px noise, on one core (thread CPU time). Target: ≥ 5,000 frames/s. Baseline in the same run: Pose2Sim's
// weighted DLT (numpy SVD per keypoint, what Pose2Sim runs) in Debian's python3 on the same frames, CPU time.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectPoint, triangulateFrame } from "@neuropose/multiview";

const FRAMES = Number(process.argv[2] ?? 3000);
const K = 33;
function lookAt(name, center, target, dist) {
  const f = target.map((v, i) => v - center[i]);
  const n = Math.hypot(...f);
  const z = f.map((v) => v / n);
  let x = [z[1], -z[0], 0];
  const xn = Math.hypot(...x);
  x = x.map((v) => v / xn);
  const y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  const R = [...x, ...y, ...z];
  const t = [0, 1, 2].map(
    (r) => -(R[3 * r] * center[0] + R[3 * r + 1] * center[1] + R[3 * r + 2] * center[2]),
  );
  return { name, size: [1088, 1920], fx: 1680, fy: 1680, cx: 544, cy: 960, dist, R, t };
}
const cams = [0, 1, 2, 3].map((i) =>
  lookAt(
    `cam0${i + 1}`,
    [3.2 * Math.cos(i * 1.5), 3.2 * Math.sin(i * 1.5), 1.4],
    [0, 0, 1],
    [-0.05, 0.02, 0.0005, -0.0003, 0],
  ),
);
let s = 12345;
const rnd = () => {
  s = (s * 48271) % 2147483647;
  return s / 2147483647;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const frames = [];
for (let f = 0; f < FRAMES; f++) {
  const pts = Array.from({ length: K }, () => [rnd() - 0.5, rnd() - 0.5, 0.1 + rnd() * 1.7]);
  frames.push(
    cams.map((c) => Float64Array.from(pts.flatMap((X) => projectPoint(c, X).map((v) => v + gauss())))),
  );
}
const conf = cams.map(() => new Float64Array(K).fill(0.9));
for (let f = 0; f < 200; f++) triangulateFrame(cams, frames[f % FRAMES], conf); // warm-up
const c0 = process.cpuUsage();
for (const uv of frames) triangulateFrame(cams, uv, conf);
const c1 = process.cpuUsage(c0);
const jsS = (c1.user + c1.system) / 1e6;
const jsFps = FRAMES / jsS;
console.log(
  `neuropose triangulateFrame: ${FRAMES} frames × ${cams.length} views × ${K} keypoints in ${jsS.toFixed(3)} s CPU = ${jsFps.toFixed(0)} frames/s (target ≥ 5000: ${jsFps >= 5000 ? "met" : "NOT met"})`,
);

// Baseline: Pose2Sim's weighted DLT (numpy SVD), same frames and cameras, undistorted by OpenCV-equivalent iteration.
const dir = mkdtempSync(join(tmpdir(), "np-bench-mv-"));
const data = join(dir, "frames.json");
writeFileSync(
  data,
  JSON.stringify({
    cams,
    frames: frames.slice(0, Math.min(FRAMES, 1000)).map((f) => f.map((a) => Array.from(a))),
  }),
);
const py = `
import json, sys, time, numpy as np
d = json.load(open(sys.argv[1]))
cams = d["cams"]; frames = d["frames"]
P = []
for c in cams:
    K = np.array([[c["fx"],0,c["cx"]],[0,c["fy"],c["cy"]],[0,0,1]])
    RT = np.hstack([np.array(c["R"]).reshape(3,3), np.array(c["t"]).reshape(3,1)])
    P.append(K @ RT)
def undist(c, u, v):
    k1,k2,p1,p2,k3 = c["dist"]; xd=(u-c["cx"])/c["fx"]; yd=(v-c["cy"])/c["fy"]; x,y=xd,yd
    for _ in range(5):
        r2=x*x+y*y; rad=1+r2*(k1+r2*(k2+r2*k3)); dx=2*p1*x*y+p2*(r2+2*x*x); dy=p1*(r2+2*y*y)+2*p2*x*y
        x=(xd-dx)/rad; y=(yd-dy)/rad
    return x*c["fx"]+c["cx"], y*c["fy"]+c["cy"]
def weighted_triangulation(P_all, x_all, y_all, l_all):
    A = np.empty((0,4))
    for c in range(len(x_all)):
        P_cam = P_all[c]
        A = np.vstack((A, (P_cam[0] - x_all[c]*P_cam[2]) * l_all[c]))
        A = np.vstack((A, (P_cam[1] - y_all[c]*P_cam[2]) * l_all[c]))
    if np.shape(A)[0] >= 4:
        S, U, Vt = np.linalg.svd(A)
        V = Vt.T
        Q = np.array([V[0][3]/V[3][3], V[1][3]/V[3][3], V[2][3]/V[3][3], 1])
    else:
        Q = np.array([np.nan,np.nan,np.nan,1])
    return Q
t0 = time.process_time()
for f in frames:
    n = len(f[0])//2
    for k in range(n):
        xs=[];ys=[]
        for c,cam in enumerate(cams):
            u,v = undist(cam, f[c][2*k], f[c][2*k+1]); xs.append(u); ys.append(v)
        weighted_triangulation(P, xs, ys, [0.9]*len(cams))
t = time.process_time()-t0
print(json.dumps({"frames": len(frames), "cpu_s": t}))
`;
const r = spawnSync("/usr/bin/python3", ["-c", py, data], { encoding: "utf8" });
if (r.status !== 0)
  console.log(
    `baseline skipped: /usr/bin/python3 with numpy is needed (${(r.stderr || r.error?.message || "").split("\n").slice(-2).join(" ")})`,
  );
else {
  const b = JSON.parse(r.stdout);
  const pyFps = b.frames / b.cpu_s;
  console.log(
    `Pose2Sim-style weighted DLT (numpy SVD, python3): ${b.frames} frames in ${b.cpu_s.toFixed(3)} s CPU = ${pyFps.toFixed(0)} frames/s`,
  );
  console.log(
    `ratio: neuropose is ${(jsFps / pyFps).toFixed(1)}× the Pose2Sim-style baseline (CPU time, same frames)`,
  );
}
