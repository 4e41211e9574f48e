import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CompetitionSettingsForm } from "@/components/competition-settings-form";
import { DatasetUpload } from "@/components/dataset-upload";
import { Card, EmptyState, Field, Notice, PageShell, ScrollableTable, buttonClass, inputClass, secondaryButtonClass } from "@/components/ui";
import { competitionRoleOf } from "@/lib/auth/actor";
import { presentCompetition } from "@/lib/competitions/competition-settings";
import { settingsFormValues } from "@/lib/competitions/settings-form";
import { listOrganizers } from "@/lib/competitions/manage-competitions";
import { describeChanges, listAuditEvents } from "@/lib/audit/list-audit-events";
import { listDatasetVersions } from "@/lib/datasets/dataset-versions";
import { getDatabase } from "@/lib/db/client";
import { LiveLeaderboard } from "@/components/live-leaderboard";
import { OrganizerQueue } from "@/components/organizer-queue";
import { OrganizerSubmissions } from "@/components/organizer-submissions";
import { OrganizerTeams } from "@/components/organizer-teams";
import { getCompetitionQueue } from "@/lib/organizers/get-competition-queue";
import { listCompetitionSubmissions, submissionFiltersSchema } from "@/lib/organizers/list-competition-submissions";
import { listCompetitionTeams } from "@/lib/organizers/list-competition-teams";
import { disqualifyTeamAction, reinstateTeamAction, rerunSubmissionAction } from "./actions";
import { activateDatasetAction, addOrganizerAction, revealLeaderboardAction, saveSettingsAction } from "@/server/actions/competition-actions";
import { formatOptionalTime, formatTime } from "@/lib/time/format-time";
import { listTimeZones } from "@/lib/time/time-zone-names";
import { requirePageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Organizer dashboard" };
export const dynamic = "force-dynamic";

export default async function ManagePage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { slug } = await params;
  const query = await searchParams;
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const { prisma } = await getDatabase();
  const row = await prisma.competition.findUnique({ where: { slug } });
  if (!row) notFound();
  const role = await competitionRoleOf(prisma, actor, row.id);
  if (role !== "organizer" && role !== "admin") {
    return (
      <PageShell title="Not an organizer">
        <Notice kind="error">Only the organizers of {slug} can open its dashboard.</Notice>
      </PageShell>
    );
  }
  const filters = submissionFiltersSchema.parse(query);
  const [organizers, versions, queue, submissions, teams, auditLog] = await Promise.all([
    listOrganizers(prisma, row.id),
    listDatasetVersions(prisma, actor, slug),
    getCompetitionQueue(prisma, actor, slug),
    listCompetitionSubmissions(prisma, actor, slug, filters),
    listCompetitionTeams(prisma, actor, slug),
    listAuditEvents(prisma, actor, slug, { limit: 200 }),
  ]);
  const anySubmissions = submissions.total > 0 || (await prisma.submission.count({ where: { competitionId: row.id } })) > 0;
  const settings = settingsFormValues(presentCompetition(row, "organizer"));
  return (
    <PageShell
      title={row.title}
      subtitle="Organizer dashboard"
      actions={
        <Link href={`/c/${slug}`} className={secondaryButtonClass}>
          Public page
        </Link>
      }
    >
      {query.error ? <Notice kind="error">{query.error}</Notice> : null}
      {query.saved ? <Notice kind="success">{query.saved}</Notice> : null}
      {query.created ? <Notice kind="success">Competition created. Upload its hidden dataset next.</Notice> : null}

      <nav aria-label="Dashboard sections" className="flex flex-wrap gap-2 text-sm">
        {[
          ["datasets", "Dataset"],
          ["queue", "Queue"],
          ["submissions", "Submissions"],
          ["teams", "Teams"],
          ["leaderboards", "Leaderboards"],
          ["settings", "Settings"],
          ["organizers", "Organizers"],
          ["audit", "Audit log"],
        ].map(([id, label]) => (
          <a key={id} href={`#${id}`} className={secondaryButtonClass}>
            {label}
          </a>
        ))}
      </nav>

      <Card title="Hidden dataset" id="datasets">
        <DatasetUpload slug={slug} />
        <div className="mt-6 space-y-4">
          {versions.length === 0 ? (
            <EmptyState title="No dataset versions yet">Upload an archive: it is validated, and you activate it when its report looks right.</EmptyState>
          ) : (
            versions.map((version) => (
              <article key={version.id} data-testid={`dataset-version-${version.number}`} className="rounded-lg border border-slate-200 p-4">
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <h3 className="font-semibold">
                    Version {version.number} · <span data-testid="dataset-status">{version.status}</span>
                    {version.active ? <span className="ml-2 rounded bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">active</span> : null}
                  </h3>
                  {version.status === "READY" && !version.active ? (
                    <form action={activateDatasetAction} className="flex flex-wrap items-center gap-3">
                      <input type="hidden" name="slug" value={slug} />
                      <input type="hidden" name="number" value={version.number} />
                      {anySubmissions ? (
                        <label className="flex items-center gap-2 text-sm text-slate-700">
                          <input type="checkbox" name="confirmRescore" value="yes" />
                          Rescore every entry against it
                        </label>
                      ) : null}
                      <button type="submit" className={buttonClass}>
                        Activate version {version.number}
                      </button>
                    </form>
                  ) : null}
                </div>
                {version.report ? (
                  <div className="mt-3 text-sm text-slate-700">
                    {version.report.rejection ? <p className="text-red-700">Rejected: {version.report.rejection}</p> : null}
                    <p data-testid="dataset-counts">
                      {version.report.counts.query} queries · {version.report.counts.gallery} gallery · {version.report.counts.training} training in {version.report.counts.trainingIdentities} identities ·{" "}
                      {version.report.counts.evaluated} evaluated · {version.report.counts.unmatchedQueries} without a match
                    </p>
                    {version.report.problemCount > 0 ? (
                      <details className="mt-2" open>
                        <summary className="cursor-pointer font-medium text-red-700">{version.report.problemCount} problem(s)</summary>
                        <ul className="mt-1 list-disc pl-5">
                          {version.report.problems.map((problem, i) => (
                            <li key={i}>
                              <code>{problem.file}</code>: {problem.problem}
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : null}
                    {version.report.warningCount > 0 ? (
                      <details className="mt-2">
                        <summary className="cursor-pointer text-amber-700">{version.report.warningCount} warning(s)</summary>
                        <ul className="mt-1 list-disc pl-5">
                          {version.report.warnings.map((warning, i) => (
                            <li key={i}>
                              <code>{warning.file}</code>: {warning.problem}
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : null}
                  </div>
                ) : version.error ? (
                  <p className="mt-2 text-sm text-red-700">{version.error}</p>
                ) : (
                  <p className="mt-2 text-sm text-slate-500">{version.status === "UPLOADING" ? "Upload not finished." : "Validating…"}</p>
                )}
              </article>
            ))
          )}
        </div>
      </Card>

      <Card title="Queue" id="queue">
        <OrganizerQueue slug={slug} initial={queue} timeZone={row.timeZone} />
      </Card>

      <Card title="Submissions" id="submissions">
        <OrganizerSubmissions
          slug={slug}
          filters={filters}
          teams={teams.map((team) => ({ id: team.id, name: team.name }))}
          result={submissions}
          anySubmissions={anySubmissions}
          rerunAction={rerunSubmissionAction}
          timeZone={row.timeZone}
        />
      </Card>

      <Card title="Teams" id="teams">
        <p className="mb-3 text-sm text-slate-600">A disqualified team is left off both leaderboards and cannot submit; its entries are kept, and re-instating it brings them back. Both are recorded in the audit log.</p>
        <OrganizerTeams slug={slug} teams={teams} disqualifyAction={disqualifyTeamAction} reinstateAction={reinstateTeamAction} timeZone={row.timeZone} />
      </Card>

      <Card title="Leaderboards" id="leaderboards">
        <p className="mb-3 text-sm text-slate-600">
          You always see live scores. {row.revealedAt ? `The private leaderboard was revealed at ${formatTime(row.revealedAt, row.timeZone, { seconds: true })}.` : "Revealing the private leaderboard stores its snapshot and shows it to everyone; it is final."}
        </p>
        {row.revealedAt ? null : (
          <form action={revealLeaderboardAction} className="flex flex-wrap items-center gap-3">
            <input type="hidden" name="slug" value={slug} />
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" name="confirm" value="yes" required />
              I understand the reveal is final: everyone sees this board from now on
            </label>
            <button type="submit" className={buttonClass}>
              Reveal the private leaderboard
            </button>
          </form>
        )}
        <div className="mt-4">
          <LiveLeaderboard slug={slug} board="private" initial={null} intervalMs={5000} timeZone={row.timeZone} />
        </div>
      </Card>

      <Card title="Settings" id="settings">
        <p data-testid="schedule-summary" className="mb-4 text-sm text-slate-600">
          Schedule in {row.timeZone}: starts {formatOptionalTime(row.startsAt, row.timeZone)} · ends {formatOptionalTime(row.endsAt, row.timeZone)} · the public board freezes{" "}
          {row.leaderboardVisibility === "FROZEN" ? formatOptionalTime(row.freezeAt, row.timeZone, "never (no freeze time)") : "never (the leaderboard setting is not frozen)"}.
        </p>
        {/* Keyed by the saved values: a save that changed them starts the form afresh from what was stored. */}
        <CompetitionSettingsForm
          key={JSON.stringify(settings)}
          slug={slug}
          initial={settings}
          savedTimes={{ startsAt: row.startsAt?.toISOString() ?? null, endsAt: row.endsAt?.toISOString() ?? null, freezeAt: row.freezeAt?.toISOString() ?? null }}
          timeZones={listTimeZones(row.timeZone)}
          anySubmissions={anySubmissions}
          action={saveSettingsAction}
        />
      </Card>

      <Card title="Organizers" id="organizers">
        <ul className="mb-4 space-y-1 text-sm">
          {organizers.map((organizer) => (
            <li key={organizer.email}>{organizer.email}</li>
          ))}
        </ul>
        <form action={addOrganizerAction} className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="slug" value={slug} />
          <Field label="Add a co-organizer by e-mail" name="organizer-email">
            <input id="organizer-email" name="email" type="email" required className={inputClass} />
          </Field>
          <button type="submit" className={secondaryButtonClass}>
            Add
          </button>
        </form>
      </Card>

      <Card title="Audit log" id="audit">
        <p className="mb-3 text-sm text-slate-600">
          Every organizer action, newest first (the latest 200 here; all of it as{" "}
          <a className="text-podium-700 underline" href={`/api/v1/competitions/${slug}/audit?format=csv`}>
            CSV
          </a>{" "}
          or{" "}
          <a className="text-podium-700 underline" href={`/api/v1/competitions/${slug}/audit?format=json`}>
            JSON
          </a>
          ).
        </p>
        {auditLog.length === 0 ? (
          <EmptyState title="Nothing recorded yet">Settings changes, dataset uploads and activations, reveals, disqualifications and re-runs appear here.</EmptyState>
        ) : (
          <ScrollableTable label="Audit log">
            <table data-testid="audit-log" className="w-full text-left text-sm">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-1 pr-3 font-medium">Time</th>
                  <th className="py-1 pr-3 font-medium">Who</th>
                  <th className="py-1 pr-3 font-medium">Action</th>
                  <th className="py-1 font-medium">Before → after</th>
                </tr>
              </thead>
              <tbody>
                {auditLog.map((event, i) => (
                  <tr key={i} className="border-t border-slate-100 align-top">
                    <td className="whitespace-nowrap py-1 pr-3">{formatTime(event.at, row.timeZone, { seconds: true })}</td>
                    <td className="py-1 pr-3">{event.actor ?? "a deleted account"}</td>
                    <td className="py-1 pr-3 font-mono text-xs">{event.action}</td>
                    <td className="py-1 text-xs text-slate-700">
                      {describeChanges(event.changes) || (Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : "")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        )}
      </Card>
    </PageShell>
  );
}
