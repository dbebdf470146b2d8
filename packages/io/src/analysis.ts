// AnalysisConfig and AnalysisReport schemas (owned by the analysis work; see issue 4). Placeholder until then.
export {};
