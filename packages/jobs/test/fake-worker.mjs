// The fake video worker of the daemon and queue tests (jobs' crash harness child, queue's worker child and its
// in-process tests): reads each input (a missing one fails like the real worker), writes a real, valid
// VideoPredictions document (a file through io's atomic writer, or frame by frame into the sink of io's streaming
// results writer) a few frames at a time (so a SIGKILL lands in every phase), reports progress, honours abort,
// and fails where a test says. Plain JavaScript: the test children run it with node against the built packages.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NeuroPoseError, saveVideoPredictions } from "@neuropose/io";

/** A valid VideoPredictions document of `frames` one-joint frames. */
export function fakeDocument(frames) {
  const f = {};
  for (let i = 0; i < frames; i++) {
    f[`frame_${String(i).padStart(6, "0")}`] = {
      boxes: [[0, 0, 1, 1, 1]],
      poses3d: [[[i, 0, 0]]],
      poses2d: [[[0, 0]]],
    };
  }
  return {
    metadata: {
      frame_count: frames,
      fps: 30,
      width: 8,
      height: 8,
      skeleton: "blazepose_33",
      poses3d_unit: "mm",
      poses3d_frame: "hip_centered",
    },
    frames: f,
  };
}

/** A VideoWorker (`calls` lists the videos it was given). `fail(video, call, frame)` returns an error to throw. */
export function fakeVideoWorker({ frames = 3, frameMs = 0, fail } = {}) {
  const calls = [];
  return {
    provider: "fake",
    calls,
    // output: a file path, or a sink of io's streaming writers (frames as they come, then finish; abort on error)
    async process(video, output, o = {}) {
      calls.push(video);
      const { frames: doc, ...rest } = fakeDocument(frames);
      const sink = typeof output === "string" ? undefined : output;
      try {
        readFileSync(video);
        for (let i = 0; i < frames; i++) {
          if (o.signal?.aborted) throw new NeuroPoseError("E_ABORTED", "inference aborted", { kind: "user" });
          const e = fail?.(video, calls.length, i);
          if (e) throw e;
          if (frameMs) await new Promise((r) => setTimeout(r, frameMs));
          await sink?.writeFrame(Object.values(doc)[i]);
          o.onProgress?.({ done: i + 1, total: frames });
        }
        if (sink) await sink.finish(rest);
        else await saveVideoPredictions(output, { ...rest, frames: doc });
      } catch (err) {
        await sink?.abort();
        throw err;
      }
      return { frames, framesWithPerson: frames, wallMs: 1, fps: 1, provider: "fake" };
    },
    async dispose() {},
  };
}

/** `<root>/shared/<name>/` holding small fake video files; returns the folder. */
export function jobFolder(root, name, videos) {
  const dir = join(root, "shared", name);
  mkdirSync(dir, { recursive: true });
  for (const v of videos) writeFileSync(join(dir, v), `fake video ${name}/${v}`);
  return dir;
}
