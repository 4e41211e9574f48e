import type { AnalysisViewer } from "@/lib/analysis/analysis-options";
import type { AnalysisSummary } from "@/lib/analysis/build-visual-analysis";

interface SplitScoreView {
  score: number;
  ci95: number[];
  evaluated: number;
}

const percent = (count: number, of: number) => (of === 0 ? "—" : `${((count / of) * 100).toFixed(1)}%`);

/**
 * The analysis at a glance: how many queries the viewer sees (a team: its public queries, and only that count),
 * hits within 1/5/10, misses, the stored score with its interval, and where first hits fall.
 */
export function VisualAnalysisSummary({ summary, viewer, scores }: { summary: AnalysisSummary; viewer: AnalysisViewer; scores: Record<string, SplitScoreView> }) {
  const largest = Math.max(1, ...summary.firstHit);
  const bars = [...summary.firstHit.slice(1).map((count, i) => ({ label: String(i + 1), count, miss: false })), { label: "none", count: summary.firstHit[0]!, miss: true }];
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
      <div className="min-w-0 space-y-4">
        <p className="text-sm text-slate-700" data-testid="analysis-query-count">
          {viewer === "team" ? (
            <>
              <strong>{summary.queries.toLocaleString("en")}</strong> public queries
            </>
          ) : (
            <>
              <strong>{summary.queries.toLocaleString("en")}</strong> queries: {summary.splits!.public.toLocaleString("en")} public · {summary.splits!.private.toLocaleString("en")} private
              {summary.splits!.notEvaluated > 0 ? ` · ${summary.splits!.notEvaluated.toLocaleString("en")} without a match (not evaluated)` : ""}
            </>
          )}
        </p>
        <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4">
          {(["1", "5", "10"] as const).map((k) => (
            <div key={k} className="rounded-lg bg-slate-50 p-3">
              <dt className="text-xs text-slate-500">Hit within {k}</dt>
              <dd className="font-mono text-lg">{percent(summary.hits[k], summary.evaluated)}</dd>
              <dd className="text-xs text-slate-500">{summary.hits[k].toLocaleString("en")} queries</dd>
            </div>
          ))}
          <div className="rounded-lg bg-slate-50 p-3">
            <dt className="text-xs text-slate-500">Missed</dt>
            <dd className="font-mono text-lg">{percent(summary.missed, summary.evaluated)}</dd>
            <dd className="text-xs text-slate-500">
              {summary.missed.toLocaleString("en")} queries{summary.notSubmitted > 0 ? `, ${summary.notSubmitted.toLocaleString("en")} left out` : ""}
            </dd>
          </div>
        </dl>
        {Object.keys(scores).length > 0 ? (
          <ul className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
            {Object.entries(scores).map(([split, score]) => (
              <li key={split}>
                <span className="text-xs uppercase tracking-wide text-slate-500">{split} score</span>{" "}
                <span className="font-mono font-semibold">{score.score.toFixed(2)}</span>{" "}
                <span className="text-xs text-slate-500">
                  (95% interval {score.ci95[0]!.toFixed(2)}–{score.ci95[1]!.toFixed(2)})
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <figure className="min-w-0">
        <figcaption className="mb-2 text-xs text-slate-500">Rank of the first correct entry</figcaption>
        <ol className="flex h-28 max-w-xs items-end gap-1" aria-label="Queries by rank of the first correct entry">
          {bars.map((bar) => (
            <li key={bar.label} className="flex min-w-0 flex-1 flex-col items-center gap-1" title={`${bar.label === "none" ? "no correct entry" : `first hit at rank ${bar.label}`}: ${bar.count} queries`}>
              <span className="sr-only">
                {bar.label === "none" ? "No correct entry" : `First hit at rank ${bar.label}`}: {bar.count} queries
              </span>
              <span aria-hidden className={`w-full rounded-t ${bar.miss ? "bg-red-300" : "bg-emerald-400"}`} style={{ height: `${Math.max(bar.count > 0 ? 4 : 1, (bar.count / largest) * 88)}px` }} />
              <span aria-hidden className="text-[10px] text-slate-500">
                {bar.label === "none" ? "✗" : bar.label}
              </span>
            </li>
          ))}
        </ol>
        {summary.laterHits > 0 ? <p className="mt-1 text-xs text-slate-500">{summary.laterHits} first hits after rank 10</p> : null}
      </figure>
    </div>
  );
}
