// Assembling the report: one key order for every kind of run, the primary's provenance stamped with the config,
// and analysis_provenance (tool, versions, config hash, every input's SHA-256).
import { createHash } from "node:crypto";
import type { AnalysisReport } from "@neuropose/io";
import type { RunContext } from "./_context.js";
import type { InputSummary, Loaded } from "./_inputs.js";
import { shownConfigPath } from "./plan.js";

const VERSION = "0.1.0";

/** The parts of a report that depend on the kind of run. */
export interface ReportParts {
  provenance: Record<string, unknown> | null;
  primary: InputSummary | null;
  reference: InputSummary | null;
  segmentations: AnalysisReport["segmentations"];
  results: AnalysisReport["results"];
  references?: InputSummary[];
  cohort?: InputSummary[];
}

/** The primary's provenance as written, with the resolved analysis config stamped in (null when it has none). */
export function stampedProvenance(ctx: RunContext, primary: Loaded): Record<string, unknown> | null {
  return primary.provenance ? { ...primary.provenance, analysis_config: ctx.resolved } : null;
}

/** The report: `parts` in the schema's key order, with the config, resolved joints and analysis provenance. */
export function assembleReport(ctx: RunContext, parts: ReportParts): AnalysisReport {
  return {
    schema_version: 2,
    config: ctx.resolved as unknown as Record<string, unknown>,
    provenance: parts.provenance,
    primary: parts.primary,
    reference: parts.reference,
    segmentations: parts.segmentations,
    results: parts.results,
    ...(parts.references ? { references: parts.references } : {}),
    ...(parts.cohort ? { cohort: parts.cohort } : {}),
    ...(ctx.resolvedJoints ? { resolved_joints: ctx.resolvedJoints } : {}),
    ...(ctx.trials.length > 0 ? { trials: ctx.trials } : {}),
    warnings: ctx.warnings,
    analysis_provenance: analysisProvenance(ctx),
  } as AnalysisReport;
}

function analysisProvenance(ctx: RunContext) {
  const { options } = ctx;
  return {
    tool: "@neuropose/analysis",
    version: VERSION,
    node_version: process.versions.node,
    config_path: shownConfigPath(options.configPath),
    config_sha256:
      options.configText === undefined ? null : createHash("sha256").update(options.configText).digest("hex"),
    resolved_config: ctx.resolved as unknown as Record<string, unknown>,
    inputs: ctx.provenanceInputs,
  };
}
