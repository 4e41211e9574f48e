import Link from "next/link";
import { EmptyState, ScrollableTable, buttonClass, inputClass, secondaryButtonClass } from "@/components/ui";
import type { OrganizerSubmissionRow, SubmissionFilters } from "@/lib/organizers/list-competition-submissions";
import { SUBMISSION_STATUSES } from "@/lib/organizers/list-competition-submissions";
import { formatTime } from "@/lib/time/format-time";

interface Props {
  slug: string;
  filters: SubmissionFilters;
  teams: { id: string; name: string }[];
  result: { submissions: OrganizerSubmissionRow[]; total: number; page: number; pageCount: number };
  /** Whether the competition has any submission at all (to tell "none yet" from "none match"). */
  anySubmissions: boolean;
  rerunAction: (formData: FormData) => Promise<void>;
  /** The competition's time zone: submission times are shown in it. */
  timeZone: string;
}

const linkClass = "text-podium-700 underline rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500";
const selectClass = `${inputClass} pr-8`;

function score(value: number | null): string {
  return value === null ? "—" : value.toFixed(2);
}

/** The dashboard URL with these filters (and page), keeping the reader at the table. */
function hrefWith(slug: string, filters: SubmissionFilters, page: number): string {
  const params = new URLSearchParams();
  for (const name of ["status", "kind", "team", "q"] as const) if (filters[name]) params.set(name, filters[name]!);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return `/c/${slug}/manage${query ? `?${query}` : ""}#submissions`;
}

/** Every submission of the competition: filters, pages, links to each entry and its analysis, and re-runs. */
export function OrganizerSubmissions({ slug, filters, teams, result, anySubmissions, rerunAction, timeZone }: Props) {
  const filtered = Boolean(filters.status || filters.kind || filters.team || filters.q);
  return (
    <div className="space-y-4">
      <form method="get" action={`/c/${slug}/manage#submissions`} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end" aria-label="Filter submissions">
        <label className="block text-sm">
          <span className="font-medium text-slate-800">Status</span>
          <select name="status" defaultValue={filters.status ?? ""} className={`mt-1 ${selectClass}`}>
            <option value="">Any</option>
            {SUBMISSION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-800">Kind</span>
          <select name="kind" defaultValue={filters.kind ?? ""} className={`mt-1 ${selectClass}`}>
            <option value="">Any</option>
            <option value="results">results file</option>
            <option value="model">model</option>
          </select>
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-800">Team</span>
          <select name="team" defaultValue={filters.team ?? ""} className={`mt-1 ${selectClass}`}>
            <option value="">Any</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-800">Team name contains</span>
          <input type="search" name="q" defaultValue={filters.q ?? ""} className={`mt-1 ${inputClass}`} />
        </label>
        <div className="flex gap-2">
          <button type="submit" className={buttonClass}>
            Filter
          </button>
          {filtered ? (
            <Link href={`/c/${slug}/manage#submissions`} className={secondaryButtonClass}>
              Clear
            </Link>
          ) : null}
        </div>
      </form>

      {result.submissions.length === 0 ? (
        anySubmissions ? (
          <EmptyState title="No submissions match these filters">
            <Link href={`/c/${slug}/manage#submissions`} className={linkClass}>
              Show every submission
            </Link>
          </EmptyState>
        ) : (
          <EmptyState title="No submissions yet">Entries appear here as soon as teams submit, whatever the door (browser, API, CLI or the legacy endpoint).</EmptyState>
        )
      ) : (
        <>
          <p className="text-xs text-slate-500" aria-live="polite">
            {result.total.toLocaleString("en")} submission{result.total === 1 ? "" : "s"}
            {filtered ? (result.total === 1 ? " matches" : " match") : ""} · page {result.page} of {result.pageCount}
          </p>
          <ScrollableTable label="Submissions">
            <table className="w-full min-w-[48rem] text-left text-sm" data-testid="organizer-submissions">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-3">Submitted (UTC)</th>
                  <th scope="col" className="pr-3">Team</th>
                  <th scope="col" className="pr-3">Entry name</th>
                  <th scope="col" className="pr-3">Kind</th>
                  <th scope="col" className="pr-3">Status</th>
                  <th scope="col" className="pr-3 text-right">Public</th>
                  <th scope="col" className="pr-3 text-right">Private</th>
                  <th scope="col" className="pr-3 text-right">All</th>
                  <th scope="col" className="pr-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {result.submissions.map((row) => (
                  <tr key={row.id} className="align-top">
                    <td className="py-2 pr-3 text-xs">
                      <Link href={`/c/${slug}/submissions/${row.id}`} className={linkClass}>
                        {formatTime(row.createdAt, timeZone, { seconds: true })}
                      </Link>
                      <span className="block text-slate-500">
                        {row.channel}
                        {row.datasetVersion !== null ? ` · dataset v${row.datasetVersion}` : ""}
                        {row.selectedForFinal ? " · final" : ""}
                        {row.countsTowardQuota ? "" : " · not counted"}
                      </span>
                    </td>
                    <td className="pr-3">
                      {row.team.name}
                      {row.team.disqualified ? <span className="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs text-red-800">disqualified</span> : null}
                    </td>
                    {/* The team's text, rendered as text: React escapes it. */}
                    <td className="max-w-[14rem] break-words pr-3" data-testid="organizer-entry-name">
                      {row.name ?? <span className="text-xs text-slate-500">unnamed</span>}
                    </td>
                    <td className="pr-3">{row.kind}</td>
                    <td className="pr-3">
                      {row.status}
                      {row.error && row.status !== "scored" ? (
                        <span className="block max-w-xs truncate text-xs text-red-700" title={row.error}>
                          {row.error}
                        </span>
                      ) : null}
                    </td>
                    <td className="pr-3 text-right font-mono">{score(row.scores.public)}</td>
                    <td className="pr-3 text-right font-mono">{score(row.scores.private)}</td>
                    <td className="pr-3 text-right font-mono">{score(row.scores.all)}</td>
                    <td className="pr-3">
                      <div className="flex flex-wrap items-center gap-2">
                        {row.status === "scored" ? (
                          <Link href={`/c/${slug}/submissions/${row.id}/analysis`} className={linkClass}>
                            Analysis
                          </Link>
                        ) : null}
                        {row.rerunRefusal === null ? (
                          <form action={rerunAction}>
                            <input type="hidden" name="slug" value={slug} />
                            <input type="hidden" name="id" value={row.id} />
                            <button type="submit" className={secondaryButtonClass} aria-label={`Re-run submission ${row.id.slice(0, 8)} of ${row.team.name} against the active dataset`}>
                              Re-run
                            </button>
                          </form>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
          {result.pageCount > 1 ? (
            <nav aria-label="Submission pages" className="flex items-center justify-between gap-3 text-sm">
              {result.page > 1 ? (
                <Link href={hrefWith(slug, filters, result.page - 1)} className={secondaryButtonClass} rel="prev">
                  ← Newer
                </Link>
              ) : (
                <span />
              )}
              <span className="text-slate-600">
                Page {result.page} of {result.pageCount}
              </span>
              {result.page < result.pageCount ? (
                <Link href={hrefWith(slug, filters, result.page + 1)} className={secondaryButtonClass} rel="next">
                  Older →
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
          <p className="text-xs text-slate-500">
            Re-run scores a results file again against the active dataset version (its earlier scores are kept; the same version twice changes nothing) or puts a model back in the queue. Quotas are not touched.
          </p>
        </>
      )}
    </div>
  );
}
