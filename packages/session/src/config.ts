// The two TOML documents of a session build: the lab's pipeline config (config.toml, shared by many sessions)
// and one session's metadata (session.toml). Both are strict zod schemas (unknown keys rejected) with explicit
// defaults; the keys and values follow the W2T BKin design (../shared/spec/w2t-sessions.md) and the real files
// in ../shared/fixtures/w2t-session, plus our own additions (sync budgets, pose source), all optional.
import { z } from "zod";

const nonEmpty = z.string().min(1);
const ORDER = z.enum(["name_asc", "name_desc", "time_asc", "time_desc"]);

/** How files matching one glob are ordered before they are concatenated or merged. */
export type FileOrder = z.infer<typeof ORDER>;

export const TimebaseSchema = z
  .strictObject({
    source: z.enum(["nominal_rate", "ttl", "neuropixels"]).default("nominal_rate"),
    mapping: z.enum(["nearest", "linear"]).default("nearest"),
    jitter_budget_s: z.number().positive().default(0.01),
    offset_s: z.number().default(0),
    ttl_id: nonEmpty.optional(),
    neuropixels_stream: nonEmpty.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.source === "ttl" && !t.ttl_id)
      ctx.addIssue({
        code: "custom",
        path: ["ttl_id"],
        message: 'required when source = "ttl" (the id of a [[TTLs]] entry)',
      });
    if (t.source === "neuropixels" && !t.neuropixels_stream)
      ctx.addIssue({
        code: "custom",
        path: ["neuropixels_stream"],
        message: 'required when source = "neuropixels" (the SpikeGLX stream that is the reference clock)',
      });
  });

const RoiSchema = z.strictObject({
  name: nonEmpty,
  x: z.int().nonnegative(),
  y: z.int().nonnegative(),
  width: z.int().positive(),
  height: z.int().positive(),
  /** Our addition: the camera whose frames the rectangle is in (default: every camera). */
  camera_id: nonEmpty.optional(),
});

export const PipelineConfigSchema = z.strictObject({
  project: z.strictObject({ name: nonEmpty }),
  paths: z
    .strictObject({
      raw_root: nonEmpty.default("data/raw"),
      intermediate_root: nonEmpty.default("data/interim"),
      output_root: nonEmpty.default("data/processed"),
      metadata_file: nonEmpty.default("session.toml"),
      models_root: nonEmpty.default("models"),
    })
    .prefault({}),
  timebase: TimebaseSchema.prefault({}),
  acquisition: z
    .strictObject({ concat_strategy: z.enum(["ffconcat", "streamlist"]).default("ffconcat") })
    .prefault({}),
  verification: z
    .strictObject({
      mismatch_tolerance_frames: z.int().nonnegative().default(0),
      warn_on_mismatch: z.boolean().default(false),
    })
    .prefault({}),
  /** Our addition: budgets for the sync statistics the reference pipeline never computed. */
  sync: z
    .strictObject({
      max_drift_ppm: z.number().nonnegative().default(100),
      max_dropped_ratio: z.number().min(0).max(1).default(0.01),
      on_violation: z.enum(["warn", "fail"]).default("warn"),
    })
    .prefault({}),
  bpod: z.strictObject({ parse: z.boolean().default(true) }).prefault({}),
  video: z
    .strictObject({
      transcode: z
        .strictObject({
          enabled: z.boolean().default(false),
          codec: nonEmpty.default("h264"),
          crf: z.int().min(0).max(51).default(20),
          preset: nonEmpty.default("fast"),
          keyint: z.int().positive().default(15),
        })
        .prefault({}),
    })
    .prefault({}),
  nwb: z
    .strictObject({
      link_external_video: z.boolean().default(true),
      lab: z.string().default(""),
      institution: z.string().default(""),
      file_name_template: nonEmpty.default("{session.id}.nwb"),
      session_description_template: nonEmpty.default("Session {session.id} on {session.date}"),
    })
    .prefault({}),
  qc: z
    .strictObject({
      generate_report: z.boolean().default(true),
      out_template: nonEmpty.default("qc/{session.id}"),
      include_verification: z.boolean().default(true),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]).default("INFO"),
      structured: z.boolean().default(false),
    })
    .prefault({}),
  labels: z
    .strictObject({
      dlc: z
        .strictObject({ run_inference: z.boolean().default(false), model: z.string().default("") })
        .prefault({}),
      sleap: z
        .strictObject({ run_inference: z.boolean().default(false), model: z.string().default("") })
        .prefault({}),
    })
    .prefault({}),
  /** Our addition: where pose comes from — imported files named in session.toml, or our own BlazePose. */
  pose: z
    .strictObject({
      source: z.enum(["import", "neuropose"]).default("import"),
      model: z.enum(["lite", "full", "heavy"]).default("full"),
    })
    .prefault({}),
  facemap: z
    .strictObject({
      run_inference: z.boolean().default(false),
      /** ROI names (the reference design), or full rectangles in pixels for motion energy. */
      ROIs: z.array(z.union([nonEmpty, RoiSchema])).default([]),
    })
    .prefault({}),
});

/** A validated pipeline config with every default filled in. */
export type PipelineConfig = z.output<typeof PipelineConfigSchema>;

const IdEntry = { id: nonEmpty, description: z.string().default("") };

export const SessionFileSchema = z
  .strictObject({
    session: z.strictObject({
      id: nonEmpty,
      subject_id: nonEmpty,
      /** `YYYY-MM-DD` or a full ISO 8601 date-time; with a date only, the start is midnight in `timezone`. */
      date: z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]),
      /** IANA time zone or ±HH:MM of the session start (NWB needs one); default UTC, stated in the output. */
      timezone: nonEmpty.default("UTC"),
      experimenter: z.union([z.string(), z.array(z.string())]).default(""),
      description: z.string().default(""),
      sex: z.enum(["M", "F", "U", "O"]).default("U"),
      /** ISO 8601 duration (`P60D`); the common `P60` shorthand is read as days. */
      age: z
        .string()
        .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$|^P\d+$/, {
          message: "expected an ISO 8601 duration such as P60D or P8W",
        })
        .optional(),
      genotype: z.string().optional(),
      species: z.string().optional(),
    }),
    bpod: z
      .strictObject({
        path: nonEmpty,
        order: ORDER.default("name_asc"),
        continuous_time: z.boolean().default(false),
        trial_types: z
          .array(
            z.strictObject({
              trial_type: z.int(),
              description: z.string().default(""),
              sync_signal: nonEmpty,
              sync_ttl: nonEmpty,
            }),
          )
          .default([]),
      })
      .optional(),
    TTLs: z
      .array(
        z.strictObject({
          ...IdEntry,
          /** Text edge files (one time in seconds per line), or SpikeGLX `.bin` files when `bit` is given. */
          paths: nonEmpty,
          /**
           * Our addition: the files are raw SpikeGLX NIDQ/OneBox recordings (`*.nidq.bin` beside its `.meta`) and
           * the pulses are the rising edges of this bit of the digital word.
           */
          bit: z.int().min(0).max(15).optional(),
          /** With `bit`: the acquired digital word channel (default: the stream's first digital word). */
          channel: z.int().nonnegative().optional(),
        }),
      )
      .default([]),
    cameras: z
      .array(
        z.strictObject({
          ...IdEntry,
          paths: nonEmpty,
          order: ORDER.default("name_asc"),
          ttl_id: nonEmpty.optional(),
        }),
      )
      .default([]),
    /** Our addition: pose files to import, per camera (the reference layout keeps them beside the session). */
    pose: z
      .array(
        z.strictObject({
          camera_id: nonEmpty,
          paths: nonEmpty,
          format: z.enum(["auto", "dlc", "sleap", "lightning_pose", "openpose"]).default("auto"),
        }),
      )
      .default([]),
    /** Our addition: facemap's own outputs to import, per camera (`*_proc.npy`, or `*_proc.mat` written with save_mat). */
    facemap: z.array(z.strictObject({ camera_id: nonEmpty, paths: nonEmpty })).default([]),
  })
  .superRefine((s, ctx) => {
    const ttlIds = new Set<string>();
    s.TTLs.forEach((t, i) => {
      if (t.channel !== undefined && t.bit === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["TTLs", i, "channel"],
          message: "channel is only read with bit (a SpikeGLX digital line)",
        });
      if (ttlIds.has(t.id))
        ctx.addIssue({ code: "custom", path: ["TTLs", i, "id"], message: `duplicate TTL id "${t.id}"` });
      ttlIds.add(t.id);
    });
    const camIds = new Set<string>();
    s.cameras.forEach((c, i) => {
      if (camIds.has(c.id))
        ctx.addIssue({
          code: "custom",
          path: ["cameras", i, "id"],
          message: `duplicate camera id "${c.id}"`,
        });
      camIds.add(c.id);
      if (c.ttl_id && !ttlIds.has(c.ttl_id))
        ctx.addIssue({
          code: "custom",
          path: ["cameras", i, "ttl_id"],
          message: `no [[TTLs]] entry has id "${c.ttl_id}" (known: ${[...ttlIds].join(", ") || "none"})`,
        });
    });
    s.bpod?.trial_types.forEach((t, i) => {
      if (!ttlIds.has(t.sync_ttl))
        ctx.addIssue({
          code: "custom",
          path: ["bpod", "trial_types", i, "sync_ttl"],
          message: `no [[TTLs]] entry has id "${t.sync_ttl}" (known: ${[...ttlIds].join(", ") || "none"})`,
        });
    });
    for (const key of ["pose", "facemap"] as const)
      s[key].forEach((p, i) => {
        if (!camIds.has(p.camera_id))
          ctx.addIssue({
            code: "custom",
            path: [key, i, "camera_id"],
            message: `no [[cameras]] entry has id "${p.camera_id}"`,
          });
      });
  });

/** A validated session.toml with every default filled in. */
export type SessionFile = z.output<typeof SessionFileSchema>;
