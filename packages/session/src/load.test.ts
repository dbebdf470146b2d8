import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import {
  checkConfigAgainstSession,
  parsePipelineConfig,
  parseSessionFile,
  SessionConfigError,
} from "./load.js";

function issueOf(fn: () => unknown): SessionConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SessionConfigError) return e;
    throw e;
  }
  throw new Error("expected a SessionConfigError");
}

const MIN_SESSION = '[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n';

describe("pipeline config", () => {
  it("fills explicit defaults", () => {
    const c = parsePipelineConfig('[project]\nname = "lab"\n').value;
    expect(c.timebase).toEqual({
      source: "nominal_rate",
      mapping: "nearest",
      jitter_budget_s: 0.01,
      offset_s: 0,
    });
    expect(c.verification).toEqual({ mismatch_tolerance_frames: 0, warn_on_mismatch: false });
    expect(c.nwb.file_name_template).toBe("{session.id}.nwb");
    expect(c.sync.on_violation).toBe("warn");
  });

  it("rejects unknown keys with file:line key", () => {
    const text = '[project]\nname = "lab"\n\n[timebase]\nsource = "ttl"\nttl_id = "cam"\nmappin = "linear"\n';
    const e = issueOf(() => parsePipelineConfig(text, { file: "config.toml" }));
    expect(e.message).toMatch(/^config\.toml:7 timebase\.mappin: /);
    expect(e.code).toBe("E_SESSION_CONFIG");
    expect(e.kind).toBe("user");
  });

  it("points a wrong value at its line and names the allowed ones", () => {
    const text = '[project]\nname = "lab"\n[timebase]\nsource = "gps"\n';
    const e = issueOf(() => parsePipelineConfig(text));
    expect(e.message).toMatch(/^config\.toml:4 timebase\.source: /);
    expect(e.message).toMatch(/nominal_rate/);
  });

  it("requires ttl_id when the timebase is a TTL", () => {
    const e = issueOf(() => parsePipelineConfig('[project]\nname = "x"\n[timebase]\nsource = "ttl"\n'));
    expect(e.issues[0]?.key).toBe("timebase.ttl_id");
    expect(e.issues[0]?.line).toBe(3); // the [timebase] header: the key itself is missing
  });

  it("reports TOML syntax errors with their line", () => {
    const e = issueOf(() => parsePipelineConfig('[project]\nname = "x"\n[timebase\n'));
    expect(e.issues[0]?.line).toBe(3);
    expect(e.issues[0]?.key).toBe("(syntax)");
  });

  it("applies --set overrides as TOML values, and blames --set for bad ones", () => {
    const c = parsePipelineConfig('[project]\nname = "x"\n', {
      set: [
        "timebase.mapping=linear",
        "verification.mismatch_tolerance_frames=3",
        "qc.generate_report=false",
      ],
    });
    expect(c.value.timebase.mapping).toBe("linear");
    expect(c.value.verification.mismatch_tolerance_frames).toBe(3);
    expect(c.value.qc.generate_report).toBe(false);
    expect(c.overrides).toHaveLength(3);
    const e = issueOf(() =>
      parsePipelineConfig('[project]\nname = "x"\n', { set: ["video.transcode.crf=99"] }),
    );
    expect(e.message).toMatch(/^--set video\.transcode\.crf: /);
    expect(issueOf(() => parsePipelineConfig('[project]\nname = "x"\n', { set: ["nokey"] })).message).toMatch(
      /key=value/,
    );
  });

  it("hashes the text for provenance", () => {
    expect(parsePipelineConfig('[project]\nname = "x"\n').sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("session file", () => {
  it("checks cross references between cameras, TTLs and trial types", () => {
    const text = `${MIN_SESSION}
[[TTLs]]
id = "ttl_camera"
paths = "TTLs/*.txt"

[[cameras]]
id = "cam0"
paths = "Video/*.avi"
ttl_id = "ttl_cam"
`;
    const e = issueOf(() => parseSessionFile(text));
    expect(e.message).toMatch(/^session\.toml:13 cameras\.0\.ttl_id: no \[\[TTLs\]\] entry has id "ttl_cam"/);
  });

  it("rejects an age that is not an ISO 8601 duration, accepts P60 and P60D", () => {
    expect(parseSessionFile(`${MIN_SESSION}age = "P60"\n`).value.session.age).toBe("P60");
    expect(parseSessionFile(`${MIN_SESSION}age = "P8W"\n`).value.session.age).toBe("P8W");
    expect(issueOf(() => parseSessionFile(`${MIN_SESSION}age = "60 days"\n`)).issues[0]?.key).toBe(
      "session.age",
    );
  });

  it("checks the config's TTL timebase against the session's TTLs", () => {
    const c = parsePipelineConfig(
      '[project]\nname = "x"\n[timebase]\nsource = "ttl"\nttl_id = "nope"\n',
    ).value;
    const s = parseSessionFile(MIN_SESSION).value;
    expect(() => checkConfigAgainstSession(c, s)).toThrow(
      /timebase\.ttl_id: "nope" is not a \[\[TTLs\]\] id/,
    );
  });
});

fixtureSuite("the real W2T session's TOML files", ["w2t-session", "config.toml"], () => {
  it("reads config.toml and session.toml as written by the lab", () => {
    const config = parsePipelineConfig(readFileSync(fixturePath("w2t-session", "config.toml"), "utf8")).value;
    expect(config.project.name).toBe("w2t-bkin-pipeline");
    expect(config.timebase.jitter_budget_s).toBe(0.01);
    expect(config.video.transcode).toEqual({
      enabled: true,
      codec: "h264",
      crf: 20,
      preset: "fast",
      keyint: 15,
    });
    expect(config.facemap.ROIs).toEqual(["face", "left_eye", "right_eye"]);
    const session = parseSessionFile(
      readFileSync(fixturePath("w2t-session", "Session-000001", "session.toml"), "utf8"),
    ).value;
    expect(session.session.id).toBe("Session-000001");
    expect(session.bpod?.trial_types.map((t) => t.sync_signal)).toEqual([
      "W2T_Audio",
      "A2L_Audio",
      "Microstim",
    ]);
    expect(session.TTLs.map((t) => t.id)).toEqual(["ttl_hitmiss", "ttl_camera", "ttl_cue"]);
    expect(session.cameras.map((c) => [c.id, c.ttl_id])).toEqual([
      ["cam0", "ttl_camera"],
      ["cam1", "ttl_camera"],
    ]);
    checkConfigAgainstSession(config, session);
  });
});
