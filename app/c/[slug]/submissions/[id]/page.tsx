import type { Metadata } from "next";
import { notFound } from "next/navigation";
import Link from "next/link";
import { EntryDescription } from "@/components/entry-description";
import { EntryDetailsForm } from "@/components/entry-details-form";
import { ModelJobProgress } from "@/components/model-job-progress";
import { formatMemory } from "@/lib/models/memory-budget";
import { Card, Notice, PageShell, secondaryButtonClass } from "@/components/ui";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import type { ValidationError } from "@/lib/scoring";
import { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import { canEditEntryDetails } from "@/lib/submissions/rename-entry";
import { formatTime } from "@/lib/time/format-time";
import { requirePageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Submission" };
export const dynamic = "force-dynamic";

function HitBars({ hit }: { hit: Record<string, number> }) {
  return (
    <ul className="mt-3 space-y-1">
      {Object.entries(hit).map(([k, value]) => (
        <li key={k} className="flex items-center gap-3 text-xs">
          <span className="w-14 text-slate-500">hit@{k}</span>
          <span className="h-2 flex-1 overflow-hidden rounded bg-slate-100" role="img" aria-label={`hit@${k} ${(value * 100).toFixed(1)}%`}>
            <span className="block h-full bg-podium-500" style={{ width: `${value * 100}%` }} />
          </span>
          <span className="w-14 text-right font-mono">{(value * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ul>
  );
}

export default async function SubmissionPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const actor = await requirePageActor(`/c/${slug}/submissions/${id}`);
  const { prisma } = await getDatabase();
  let submission;
  try {
    submission = await getSubmissionForActor(prisma, actor, slug, id);
  } catch (error) {
    if (!isAppError(error)) throw error;
    // An entry that does not exist (or that this caller may not see: the same answer) is a 404, not a page.
    if (error.code === "NOT_FOUND") notFound();
    return (
      <PageShell title="Submission">
        <Notice kind="error">{error.message}</Notice>
      </PageShell>
    );
  }
  const errors = (submission.validationErrors ?? []) as ValidationError[];
  const timeZone = (await prisma.competition.findUnique({ where: { slug }, select: { timeZone: true } }))?.timeZone ?? "UTC";
  // Only the team that owns the entry names it; organizers read what the team wrote.
  const canEdit = await canEditEntryDetails(prisma, actor, slug, submission.id);
  return (
    <PageShell
      title={`Submission ${submission.id.slice(0, 8)}`}
      subtitle={`${submission.status} · ${submission.channel} · ${formatTime(submission.createdAt, timeZone, { seconds: true })}`}
      actions={
        <div className="flex flex-wrap gap-2">
          {submission.status === "scored" ? (
            <Link href={`/c/${slug}/submissions/${submission.id}/analysis`} className={secondaryButtonClass}>
              Visual analysis
            </Link>
          ) : null}
          <Link href={`/c/${slug}/entries`} className={secondaryButtonClass}>
            Back to the competition
          </Link>
        </div>
      }
    >
      <Card title="Entry">
        {/* The team's own text: rendered as text (escaped), URLs as links without referrer or opener. */}
        <dl className="grid gap-2 text-sm">
          <div>
            <dt className="text-slate-500">Name</dt>
            <dd data-testid="entry-name" className="break-words">{submission.name ?? <span className="text-slate-500">unnamed</span>}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Description</dt>
            <dd>{submission.description ? <EntryDescription description={submission.description} /> : <span className="text-slate-500">none</span>}</dd>
          </div>
        </dl>
        {canEdit ? (
          <details className="mt-4">
            <summary className="cursor-pointer text-sm font-medium text-podium-700">Edit the name and description</summary>
            <div className="mt-3">
              <EntryDetailsForm slug={slug} id={submission.id} name={submission.name} description={submission.description} />
            </div>
          </details>
        ) : null}
      </Card>
      <Card title="File">
        <dl className="grid gap-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-500">File name</dt>
            <dd>{submission.fileName ?? "(request body)"}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Size</dt>
            <dd>{submission.size.toLocaleString("en")} bytes</dd>
          </div>
          <div className="sm:col-span-2">
            <dt className="text-slate-500">SHA-256</dt>
            <dd className="break-all font-mono text-xs">{submission.sha256}</dd>
          </div>
        </dl>
      </Card>
      {submission.kind === "model" ? (
        <Card title="Model run">
          <dl className="mb-4 grid gap-2 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-slate-500">Execution provider</dt>
              <dd>{"executionProvider" in submission && submission.executionProvider ? submission.executionProvider : "not run yet"}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Generated top-10 file</dt>
              <dd>
                {"generatedResults" in submission && submission.generatedResults ? (
                  <a className="text-podium-700 underline" href={`/api/v1/competitions/${slug}/submissions/${submission.id}/results`}>
                    Download
                  </a>
                ) : "generatedResultsWithheld" in submission && submission.generatedResultsWithheld ? (
                  "after the private board is revealed (it names hidden gallery files)"
                ) : (
                  "not yet"
                )}
              </dd>
            </div>
            {"job" in submission && submission.job && "memory" in submission.job
              ? submission.job.memory.map((run) => (
                  <div key={run.run}>
                    <dt className="text-slate-500">Peak memory, {run.run}</dt>
                    <dd>
                      {run.peakBytes === null ? "not measured" : formatMemory(run.peakBytes)}
                      {run.capBytes === null ? "" : ` of ${formatMemory(run.capBytes)} allowed`}
                    </dd>
                  </div>
                ))
              : null}
          </dl>
          {["checking", "queued", "running", "received"].includes(submission.status) && "job" in submission ? (
            <ModelJobProgress slug={slug} id={submission.id} initial={submission.job as Parameters<typeof ModelJobProgress>[0]["initial"]} />
          ) : null}
        </Card>
      ) : null}
      {errors.length > 0 ? (
        <Card title="Validation errors">
          <ul className="space-y-4 text-sm">
            {errors.map((error) => (
              <li key={error.code}>
                <p className="font-medium text-red-800">{error.examples.length > 0 ? error.message.split(":")[0] : error.message}</p>
                {error.examples.length > 0 ? (
                <table className="mt-2 w-full text-left text-xs">
                  <thead className="text-slate-500">
                    <tr>
                      <th className="py-1 pr-3">Query</th>
                      <th className="pr-3">Position</th>
                      <th>Value</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100 font-mono">
                    {error.examples.map((example, i) => (
                      <tr key={i}>
                        <td className="py-1 pr-3">{example.query ?? "—"}</td>
                        <td className="pr-3">{example.position ?? "—"}</td>
                        <td>{example.value ?? example.found ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                ) : null}
                {/* A table only with rows to show: a refusal of the whole file (not JSON, a model's check) has none. */}
                {error.examples.length > 0 && error.count > error.examples.length ? <p className="mt-1 text-xs text-slate-500">… and {error.count - error.examples.length} more</p> : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : submission.error && submission.status !== "scored" ? (
        <>
          <Notice kind="error">{submission.error}</Notice>
          {/* Organizers read the full reason; the team reads only the fixed text of its failure code. */}
          {"teamError" in submission && submission.teamError ? <p className="text-xs text-slate-500">The team sees: {submission.teamError}</p> : null}
        </>
      ) : null}
      {Object.keys(submission.scores).length > 0 ? (
        <Card title="Score">
          <div className="grid gap-6 sm:grid-cols-3">
            {Object.entries(submission.scores).map(([split, score]) => (
              <section key={split} aria-label={`${split} split`}>
                <h3 className="text-xs uppercase tracking-wide text-slate-500">{split} split</h3>
                {score.ladder ? (
                  // The ladder: the team's shown score, never this entry's exact one (lib/leaderboards/ladder.ts).
                  <p data-testid="ladder-score" className="mt-1 text-sm text-slate-700">
                    {score.ladder === "improved" ? <span className="font-mono text-2xl font-semibold">{score.score.toFixed(2)}</span> : `${score.ladder}: your shown score stays ${score.score.toFixed(2)}`}
                  </p>
                ) : (
                  <>
                    <p className="mt-1 font-mono text-2xl font-semibold">{score.score.toFixed(2)}</p>
                    <p className="text-xs text-slate-500">
                      95% interval {score.ci95[0]!.toFixed(2)}–{score.ci95[1]!.toFixed(2)} · {score.evaluated} queries{score.missing ? ` (${score.missing} missing)` : ""}
                    </p>
                    <HitBars hit={score.hit as Record<string, number>} />
                  </>
                )}
              </section>
            ))}
          </div>
          {!("private" in submission.scores) ? <p className="mt-4 text-xs text-slate-500">Private-split scores appear when the organizers reveal the private leaderboard.</p> : null}
        </Card>
      ) : null}
    </PageShell>
  );
}
