import type { Metadata } from "next";
import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui";
import { ModelSubmit } from "@/components/model-submit";
import { ResultsSubmit } from "@/components/results-submit";
import { TeamSubmissions } from "@/components/team-submissions";
import { listTeamSubmissions } from "@/lib/submissions/list-submissions";
import { describeQuota } from "@/lib/teams/describe-quota";
import { getTeamSummary } from "@/lib/teams/team-summary";
import { loadCompetitionPage } from "@/server/competition-page";

export const metadata: Metadata = { title: "My entries" };

function SubmitForm({ label, title, children }: { label: string; title: string; children: ReactNode }) {
  return (
    <section aria-label={label} className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      {children}
    </section>
  );
}

export default async function CompetitionEntriesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { database, row, actor, role, team } = await loadCompetitionPage(slug);
  // Only a team has entries: everyone else is sent where they can sign in, join one, or (organizers) see them all.
  if (!actor) redirect(`/sign-in?next=${encodeURIComponent(`/c/${slug}/entries`)}`);
  if (!team) redirect(role === "none" ? `/c/${encodeURIComponent(slug)}/team` : `/c/${encodeURIComponent(slug)}/manage#submissions`);
  const [{ submissions }, { quota }] = await Promise.all([
    listTeamSubmissions(database.prisma, actor, slug),
    // Counted by the code that refuses entries, so what it says is what the next entry meets.
    getTeamSummary(database, actor, slug),
  ]);
  return (
    <Card title="Submit an entry" id="entries">
      <p data-testid="entries-left" className="mb-4 text-sm font-medium text-slate-700">
        {describeQuota(quota, row.timeZone)}
      </p>
      {row.submissionKinds.includes("RESULTS") ? (
        <SubmitForm label="Submit a results file" title="Submit a results file">
          <ResultsSubmit slug={slug} />
        </SubmitForm>
      ) : null}
      {row.submissionKinds.includes("MODEL") ? (
        <SubmitForm label="Submit a model" title="Submit an ONNX model">
          <ModelSubmit slug={slug} />
        </SubmitForm>
      ) : null}
      <TeamSubmissions slug={slug} submissions={submissions} finalLimit={row.finalSelectionLimit} timeZone={row.timeZone} />
    </Card>
  );
}
