// The NWB session/subject metadata flags, defined once for every command that writes NWB (`neuropose nwb export`,
// `neuropose-infer --nwb`): yargs-style option records (plain objects, so this package needs no CLI library) and
// the one rule turning flag values into videoPredictionsToNwb options, with the same warnings everywhere.
import { statSync } from "node:fs";
import { NeuroPoseError } from "@neuropose/io";
import type { VideoPredictionsToNwbOptions } from "./export.js";
import type { NwbSubject } from "./types.js";

/**
 * Option definitions (yargs `.options(...)` records) of the NWB metadata flags: session start/description,
 * identifier, subject (id, species, age, sex, description), experimenter, lab, institution, keywords, experiment
 * description and session id.
 *
 * @example
 * ```ts
 * import { NWB_METADATA_OPTIONS } from "@neuropose/nwb";
 * console.log(Object.keys(NWB_METADATA_OPTIONS).includes("subject-id")); // true
 * // yargs(argv).options(NWB_METADATA_OPTIONS)
 * ```
 */
export const NWB_METADATA_OPTIONS = {
  "session-start": {
    type: "string",
    describe:
      "NWB session start, ISO-8601 with timezone (e.g. 2024-05-01T10:00:00+02:00); default: the video's recorded creation time, else its file modification time (with a warning)",
  },
  "session-description": { type: "string", describe: "NWB session description" },
  identifier: { type: "string", describe: "unique NWB file identifier (default: a fresh UUID)" },
  "subject-id": { type: "string", describe: "NWB subject id (DANDI requires a subject)" },
  species: { type: "string", default: "Homo sapiens", describe: "subject species, Latin binomial" },
  age: { type: "string", describe: "subject age, ISO-8601 duration, e.g. P30Y" },
  sex: { type: "string", choices: ["M", "F", "U", "O"], describe: "subject sex" },
  "subject-description": { type: "string", describe: "subject description" },
  experimenter: { type: "string", array: true, describe: "'Last, First' (repeatable)" },
  lab: { type: "string", describe: "lab where the session was recorded" },
  institution: { type: "string", describe: "institution of the lab" },
  keywords: { type: "string", array: true, describe: "keywords for search (repeatable)" },
  "experiment-description": { type: "string", describe: "description of the experiment (protocol, task)" },
  "session-id": { type: "string", describe: "lab-specific session identifier" },
} as const;

/** The parsed values of {@link NWB_METADATA_OPTIONS}. */
export interface NwbMetadataFlags {
  "session-start"?: string | undefined;
  "session-description"?: string | undefined;
  identifier?: string | undefined;
  "subject-id"?: string | undefined;
  species?: string | undefined;
  age?: string | undefined;
  sex?: string | undefined;
  "subject-description"?: string | undefined;
  experimenter?: string[] | undefined;
  lab?: string | undefined;
  institution?: string | undefined;
  keywords?: string[] | undefined;
  "experiment-description"?: string | undefined;
  "session-id"?: string | undefined;
}

/** What {@link nwbMetadataFromFlags} knows about the source video. */
export interface NwbVideoFacts {
  path: string;
  /** The creation time the camera recorded in the container (ffprobe's `creation_time` tag), if any. */
  creationTime?: string | undefined;
}

/**
 * Turns NWB metadata flag values into `videoPredictionsToNwb` options, with the warnings every command gives:
 * no `--subject-id` (DANDI requires a Subject); no `--session-start`, so the video's recorded creation time is
 * used, or, failing that, its file modification time, which a copy resets (said loudly, never silently). Throws a
 * user error when there is neither a session start nor a video to take it from.
 *
 * @example
 * ```ts
 * import { nwbMetadataFromFlags } from "@neuropose/nwb";
 * const o = nwbMetadataFromFlags(
 *   { "session-start": "2024-05-01T10:00:00Z", "subject-id": "S01", species: "Homo sapiens" },
 *   { defaultDescription: "poses of clip.mp4", warn: console.warn },
 * );
 * console.log(o.sessionStartTime, o.subject?.subjectId); // 2024-05-01T10:00:00Z S01
 * ```
 */
export function nwbMetadataFromFlags(
  flags: NwbMetadataFlags,
  context: { video?: NwbVideoFacts | undefined; defaultDescription: string; warn: (message: string) => void },
): Pick<
  VideoPredictionsToNwbOptions,
  | "sessionDescription"
  | "sessionStartTime"
  | "subject"
  | "identifier"
  | "experimenter"
  | "lab"
  | "institution"
  | "keywords"
  | "experimentDescription"
  | "sessionId"
> {
  let sessionStart = flags["session-start"];
  if (sessionStart === undefined) {
    const video = context.video;
    if (video === undefined) {
      throw new NeuroPoseError(
        "E_USAGE",
        "--session-start is required (there is no --video to take it from)",
        {
          kind: "user",
          hint: "e.g. --session-start 2024-05-01T10:00:00+02:00",
        },
      );
    }
    const recorded = video.creationTime ? new Date(video.creationTime) : undefined;
    if (recorded && Number.isFinite(recorded.getTime()) && recorded.getUTCFullYear() > 1970) {
      sessionStart = recorded.toISOString();
      context.warn(
        `no --session-start: using the creation time recorded in the video, ${sessionStart} (check it: cameras' clocks drift; pass --session-start to be sure)`,
      );
    } else {
      sessionStart = statSync(video.path).mtime.toISOString();
      context.warn(
        `no --session-start and the video records no creation time: using the file's modification time, ${sessionStart}, which is the time of the last copy if the file was copied; pass --session-start`,
      );
    }
  }
  let subject: NwbSubject | undefined;
  if (flags["subject-id"] !== undefined) {
    subject = {
      subjectId: flags["subject-id"],
      species: flags.species ?? "Homo sapiens",
      ...(flags.age !== undefined ? { age: flags.age } : {}),
      ...(flags.sex !== undefined ? { sex: flags.sex } : {}),
      ...(flags["subject-description"] !== undefined ? { description: flags["subject-description"] } : {}),
    };
  } else context.warn("no --subject-id: the NWB file will have no Subject (DANDI requires one)");
  return {
    sessionDescription: flags["session-description"] ?? context.defaultDescription,
    sessionStartTime: sessionStart,
    ...(subject ? { subject } : {}),
    ...(flags.identifier !== undefined ? { identifier: flags.identifier } : {}),
    ...(flags.experimenter?.length ? { experimenter: flags.experimenter } : {}),
    ...(flags.lab !== undefined ? { lab: flags.lab } : {}),
    ...(flags.institution !== undefined ? { institution: flags.institution } : {}),
    ...(flags.keywords?.length ? { keywords: flags.keywords } : {}),
    ...(flags["experiment-description"] !== undefined
      ? { experimentDescription: flags["experiment-description"] }
      : {}),
    ...(flags["session-id"] !== undefined ? { sessionId: flags["session-id"] } : {}),
  };
}
