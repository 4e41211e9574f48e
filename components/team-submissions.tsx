import { EmptyState, ScrollableTable, secondaryButtonClass } from "@/components/ui";
import { formatTime } from "@/lib/time/format-time";
import { selectFinalAction } from "@/server/actions/competition-actions";

interface Submission {
  id: string;
  /** "results" or "model". */
  kind: string;
  fileName: string | null;
  /** The team's name of the entry (participant text: rendered as text, never HTML). */
  name: string | null;
  status: string;
  channel: string;
  sha256: string;
  error: string | null;
  selectedForFinal: boolean;
  createdAt: string;
  /** `ladder`: under the ladder (lib/leaderboards/ladder.ts), whether the entry moved the team's shown score. */
  scores: Record<string, { score: number; ladder?: string }>;
}

/**
 * The team's entries: name (the file name when unnamed), kind, file name, status, public score, errors, the file's
 * hash and the final-selection toggle; times in `timeZone`.
 */
export function TeamSubmissions({ slug, submissions, finalLimit, timeZone }: { slug: string; submissions: Submission[]; finalLimit: number; timeZone: string }) {
  if (submissions.length === 0) return <div className="mt-6"><EmptyState title="No submissions yet">Your entries and their scores will be listed here.</EmptyState></div>;
  return (
    <ScrollableTable label="Your team's submissions" className="mt-6">
      <p className="mb-2 text-xs text-slate-500">Select up to {finalLimit} entries for the private leaderboard; without a selection your best public entries count.</p>
      <table data-testid="team-submissions" className="w-full text-left text-sm">
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-2 pr-3">Entry</th>
            <th className="pr-3">Submitted</th>
            <th className="pr-3">Kind</th>
            <th className="pr-3">File name</th>
            <th className="pr-3">Status</th>
            <th className="pr-3 text-right">Public score</th>
            <th className="pr-3">File hash</th>
            <th className="pr-3">Final</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {submissions.map((submission) => (
            <tr key={submission.id}>
              <td className="max-w-[16rem] py-2 pr-3">
                <a href={`/c/${slug}/submissions/${submission.id}`} className="break-words text-podium-700 underline" data-testid="entry-link">
                  {submission.name ?? submission.fileName ?? `entry ${submission.id.slice(0, 8)}`}
                </a>
                {submission.name ? null : <span className="block text-xs text-slate-500">unnamed</span>}
              </td>
              <td className="pr-3 text-xs">
                {formatTime(submission.createdAt, timeZone, { seconds: true })} · {submission.channel}
              </td>
              <td className="pr-3 text-xs">{submission.kind === "model" ? "model" : "results file"}</td>
              <td className="max-w-[12rem] truncate pr-3 font-mono text-xs" title={submission.fileName ?? undefined}>
                {submission.fileName ?? <span className="font-sans text-slate-500">(request body)</span>}
              </td>
              <td className="pr-3">
                {submission.status}
                {submission.error && submission.status !== "scored" ? <p className="max-w-md truncate text-xs text-red-700" title={submission.error}>{submission.error}</p> : null}
              </td>
              <td className="pr-3 text-right font-mono">
                {!submission.scores.public ? "—" : submission.scores.public.ladder && submission.scores.public.ladder !== "improved" ? <span className="font-sans text-xs text-slate-500">{submission.scores.public.ladder}</span> : submission.scores.public.score.toFixed(2)}
              </td>
              <td className="pr-3 font-mono text-xs" title={submission.sha256}>{submission.sha256.slice(0, 12)}…</td>
              <td className="pr-3">
                {submission.status === "scored" ? (
                  <form action={selectFinalAction}>
                    <input type="hidden" name="slug" value={slug} />
                    <input type="hidden" name="id" value={submission.id} />
                    <input type="hidden" name="selected" value={submission.selectedForFinal ? "false" : "true"} />
                    <button type="submit" className={secondaryButtonClass} aria-pressed={submission.selectedForFinal}>
                      {submission.selectedForFinal ? "Selected ✓" : "Select"}
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollableTable>
  );
}
