import { describe, expect, it } from "vitest";
import { NeuroPoseError } from "./errors.js";
import { getSkeleton, jointIndex, SKELETON_NAMES, SKELETONS } from "./skeletons.js";

describe("skeleton registry", () => {
  it("has the four skeletons with the documented sizes", () => {
    expect(SKELETON_NAMES).toEqual(["berkeley_mhad_43", "blazepose_33", "coco_17", "openpose_body_25"]);
    expect(SKELETONS.berkeley_mhad_43.joints).toHaveLength(43);
    expect(SKELETONS.blazepose_33.joints).toHaveLength(33);
    expect(SKELETONS.coco_17.joints).toHaveLength(17);
    expect(SKELETONS.openpose_body_25.joints).toHaveLength(25);
    expect(SKELETONS.blazepose_33.edges).toHaveLength(35); // MediaPipe POSE_CONNECTIONS
  });

  it("keeps the original's joint order (berkeley_mhad_43) and BlazePose's", () => {
    const b = SKELETONS.berkeley_mhad_43.joints;
    expect([b[0], b[11], b[14], b[15], b[19], b[22], b[23], b[27], b[31], b[32], b[33], b[34]]).toEqual([
      "head", "lsho1", "lelb", "lwri", "rsho1", "relb", "rwri", "lhipb", "lkne", "lank", "lhee", "lfoo",
    ]); // biome-ignore format: table
    expect([b[35], b[39], b[40], b[41], b[42]]).toEqual(["rhipb", "rkne", "rank", "rhee", "rfoo"]);
    const p = SKELETONS.blazepose_33.joints;
    expect([p[0], p[11], p[12], p[23], p[24], p[29], p[30], p[31], p[32]]).toEqual([
      "nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_heel", "right_heel",
      "left_foot_index", "right_foot_index",
    ]); // biome-ignore format: table
  });

  it.each(SKELETON_NAMES)("%s: unique names, valid edges, connected", (name) => {
    const s = getSkeleton(name);
    expect(new Set(s.joints).size).toBe(s.joints.length);
    const seen = new Set<string>();
    for (const [a, b] of s.edges) {
      expect(a).not.toBe(b);
      expect(a >= 0 && a < s.joints.length && b >= 0 && b < s.joints.length).toBe(true);
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    // Every joint is reachable from joint 0 (BlazePose, as MediaPipe draws it: the face, the mouth and the
    // body are three separate pieces).
    const adj = s.joints.map(() => [] as number[]);
    for (const [a, b] of s.edges) {
      adj[a]?.push(b);
      adj[b]?.push(a);
    }
    const reached = new Set([0]);
    const stack = [0];
    while (stack.length)
      for (const n of adj[stack.pop() as number] ?? []) if (!reached.has(n) && reached.add(n)) stack.push(n);
    const unreached = s.joints.filter((_, i) => !reached.has(i));
    expect(unreached).toEqual(name === "blazepose_33" ? s.joints.slice(9) : []);
    expect(Object.isFrozen(s) && Object.isFrozen(s.joints)).toBe(true);
  });

  it("looks joints up by name or index", () => {
    expect(jointIndex("berkeley_mhad_43", "lhee")).toBe(33);
    expect(jointIndex("berkeley_mhad_43", "rhee")).toBe(41);
    expect(jointIndex(SKELETONS.blazepose_33, "left_heel")).toBe(29);
    expect(jointIndex("openpose_body_25", "rheel")).toBe(24); // case-insensitive fallback
    expect(jointIndex("coco_17", 16)).toBe(16);
  });

  it("errors list the valid names", () => {
    expect(() => getSkeleton("mhad")).toThrow(NeuroPoseError);
    try {
      getSkeleton("toString");
    } catch (e) {
      expect((e as NeuroPoseError).code).toBe("E_SKELETON_UNKNOWN");
      expect((e as NeuroPoseError).hint).toBe(
        "valid skeletons: berkeley_mhad_43, blazepose_33, coco_17, openpose_body_25",
      );
    }
    try {
      jointIndex("coco_17", "left_heel");
      expect.unreachable();
    } catch (e) {
      expect((e as NeuroPoseError).code).toBe("E_JOINT_UNKNOWN");
      expect((e as NeuroPoseError).message).toBe('unknown joint "left_heel" in skeleton coco_17');
      expect((e as NeuroPoseError).hint).toContain("left_ankle, right_ankle");
    }
    expect(() => jointIndex("coco_17", 17)).toThrow(/out of range \[0, 17\)/);
    expect(() => jointIndex("coco_17", 1.5)).toThrow(NeuroPoseError);
  });
});
