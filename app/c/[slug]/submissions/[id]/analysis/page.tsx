import type { Metadata } from "next";
import Link from "next/link";
import { Card, Notice, PageShell, secondaryButtonClass } from "@/components/ui";
import { VisualAnalysis } from "@/components/visual-analysis";
import { VisualAnalysisSummary } from "@/components/visual-analysis-summary";
import { parseAnalysisOptions } from "@/lib/analysis/analysis-options";
import { getSubmissionAnalysis } from "@/lib/analysis/get-submission-analysis";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { requirePageActor } from "@/server/page-actor";
import { getBlobStore } from "@/server/storage";

export const metadata: Metadata = { title: "Visual analysis" };
export const dynamic = "force-dynamic";

export default async function AnalysisPage({ params, searchParams }: { params: Promise<{ slug: string; id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug, id } = await params;
  const actor = await requirePageActor(`/c/${slug}/submissions/${id}/analysis`);
  const { prisma } = await getDatabase();
  let result;
  try {
    result = await getSubmissionAnalysis(prisma, getBlobStore(), actor, slug, id, parseAnalysisOptions(await searchParams));
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <PageShell title="Visual analysis">
        <Notice kind="error">{error.message}</Notice>
      </PageShell>
    );
  }
  const { submission, viewer, version } = result;
  const back = (
    <Link href={`/c/${slug}/submissions/${id}`} className={secondaryButtonClass}>
      Back to the submission
    </Link>
  );
  return (
    <PageShell
      title={`Analysis of submission ${id.slice(0, 8)}`}
      subtitle={`${submission.kind === "model" ? "Model entry (its generated top 10)" : "Results file"}${version ? ` · dataset version ${version.number}` : ""} · ${viewer === "team" ? "public queries only" : "organizer view: every query"}`}
      actions={back}
    >
      {!result.available ? (
        <Notice kind="info">{result.reason}</Notice>
      ) : (
        <>
          <Card title="Summary" id="summary">
            <VisualAnalysisSummary summary={result.analysis.summary} viewer={viewer} scores={submission.scores} />
          </Card>
          <Card title="Queries and their top 10" id="queries">
            {result.galleryHidden ? (
              <p className="mb-3 text-sm text-slate-600">
                {result.galleryNamesHidden
                  ? "The gallery of this competition is hidden from teams: your top 10 shows which ranks hit, without the gallery files' names (they appear once the private leaderboard is revealed)."
                  : "The gallery of this competition is hidden from teams: your top 10 is shown by file name."}
              </p>
            ) : null}
            <VisualAnalysis slug={slug} id={id} analysis={result.analysis} galleryImages={!result.galleryHidden} />
          </Card>
        </>
      )}
    </PageShell>
  );
}
