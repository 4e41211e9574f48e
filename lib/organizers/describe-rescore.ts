/** What an organizer is told after confirming a rescore (dashboard, API clients, CLI). */
export function describeRescore(summary: { queued: number; modelRuns: number }): string {
  if (summary.queued === 0) return "No entry needed rescoring.";
  const models = summary.modelRuns > 0 ? `, ${summary.modelRuns} of them models that run again on the new dataset` : "";
  return `${summary.queued} entr${summary.queued === 1 ? "y is" : "ies are"} queued for rescoring${models}; each is off the boards until its job has run (quotas untouched).`;
}
