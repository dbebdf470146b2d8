// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts), in a
// scratch folder holding the files the examples read: copies of real fixtures (so the suite needs them) and a
// small Lightning Pose CSV.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { builtExamplesSuite } from "../../../config/doc-examples.js";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";

let template: string;

fixtureSuite("pose-formats TSDoc examples", ["sleap", "dance.mp4.labels.slp"], () => {
  builtExamplesSuite(import.meta.url, "@neuropose/pose-formats", {
    siblings: ["@neuropose/nwb"],
    atLeast: 9,
    async setup() {
      template = mkdtempSync(join(tmpdir(), "np-pose-doc-"));
      cpSync(fixturePath("sleap", "dance.mp4.labels.slp"), join(template, "labels.slp"));
      cpSync(fixturePath("sleap", "dance.mp4.labels.slp"), join(template, "labels.v001.slp"));
      cpSync(
        fixturePath("dlc", "single_openfield", "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"),
        join(template, "videoDLC_resnet50_shuffle1_100000.h5"),
      );
      cpSync(fixturePath("dlc", "w2t_pose_sample.csv"), join(template, "video.csv"));
      cpSync(fixturePath("openpose", "mobile-gaitlab_input_keypoints"), join(template, "keypoints"), {
        recursive: true,
      });
      cpSync(
        fixturePath("openpose", "mobile-gaitlab_input_keypoints"),
        join(template, "output", "keypoints"),
        { recursive: true },
      );
      const rows = Array.from({ length: 1000 }, (_, i) => `${i},${i},${i + 1},0.9`);
      writeFileSync(
        join(template, "predictions.csv"),
        [
          "scorer,heatmap_tracker,heatmap_tracker,heatmap_tracker",
          "bodyparts,paw,paw,paw",
          "coords,x,y,likelihood",
          ...rows,
        ].join("\n"),
      );
      writeFileSync(join(template, "empty.csv"), "");
      mkdirSync(join(template, "out"));
    },
    scratch() {
      const dir = mkdtempSync(join(tmpdir(), "np-pose-doc-"));
      cpSync(template, dir, { recursive: true });
      return dir;
    },
    timeoutMs: 60_000,
    readme: {
      mentions: "readSleap",
      check(out, dir) {
        expect(out).toMatch(/^2330 \[ 'snout', 'leftear', 'rightear', 'tailbase' \] \[ 'individual_0' \]/);
        expect(readFileSync(join(dir, "out", "cam0.pose.json"), "utf8")).toContain('"openpose-json"');
      },
    },
  });
});
