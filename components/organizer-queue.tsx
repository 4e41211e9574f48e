"use client";

import { useEffect, useState } from "react";
import { ProgressBar } from "@/components/progress-bar";
import { EmptyState, Notice, ScrollableTable } from "@/components/ui";
import type { CompetitionQueue, QueueJob } from "@/lib/organizers/get-competition-queue";
import { formatTime } from "@/lib/time/format-time";

const POLL_MS = 2000;
/** A running job whose worker has been silent this long is probably lost; the sweeper will re-queue it. */
const STALE_SECONDS = 60;

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const secondsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

function Subject({ slug, job }: { slug: string; job: QueueJob }) {
  return (
    <span>
      <span className="font-medium">
        {job.kind[0]!.toUpperCase()}
        {job.kind.slice(1)}
      </span>
      {job.team ? <> · {job.team}</> : null}
      {job.submissionId ? (
        <>
          {" · "}
          <a className="font-mono text-podium-700 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500" href={`/c/${slug}/submissions/${job.submissionId}`}>
            {job.submissionId.slice(0, 8)}
          </a>
        </>
      ) : null}
    </span>
  );
}

function RunningJob({ slug, job, now }: { slug: string; job: QueueJob; now: string }) {
  const progress = job.progress;
  const silent = job.heartbeatAt ? secondsBetween(job.heartbeatAt, now) : null;
  const phase = progress ? `${progress.phase[0]!.toUpperCase()}${progress.phase.slice(1)}` : "Starting";
  const detail = progress
    ? `${progress.done.toLocaleString("en")} / ${progress.total.toLocaleString("en")}${progress.etaSeconds !== null ? ` · about ${duration(progress.etaSeconds)} left` : ""}`
    : "no progress reported yet";
  return (
    <li className="rounded-lg border border-slate-200 p-4" data-testid="running-job">
      <p className="mb-2 text-sm">
        <Subject slug={slug} job={job} />
      </p>
      <ProgressBar label={phase} fraction={progress && progress.total > 0 ? progress.done / progress.total : 0} detail={detail} />
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        <span>
          Worker <span className="font-mono">{job.workerId ?? "unknown"}</span>
        </span>
        <span>
          Attempt {job.attempts} of {job.maxAttempts}
        </span>
        {job.startedAt ? <span>Running for {duration(secondsBetween(job.startedAt, now))}</span> : null}
        {silent !== null ? (
          <span className={silent > STALE_SECONDS ? "font-medium text-amber-700" : undefined}>
            Last heartbeat {duration(silent)} ago{silent > STALE_SECONDS ? " — the worker may be gone; its lease will expire and the job will be re-queued" : ""}
          </span>
        ) : null}
      </p>
      {job.attempts > 1 && job.lastError ? <p className="mt-1 text-xs text-amber-700">Earlier attempt: {job.lastError}</p> : null}
    </li>
  );
}

/** The competition's queue, refreshed every 2 s: running jobs with live progress, waiting jobs with their place (times in `timeZone`). */
export function OrganizerQueue({ slug, initial, timeZone }: { slug: string; initial: CompetitionQueue; timeZone: string }) {
  const [queue, setQueue] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (!document.hidden) {
        const response = await fetch(`/api/v1/competitions/${slug}/admin/jobs`, { cache: "no-store" }).catch(() => null);
        if (stopped) return;
        if (response?.ok) {
          setQueue((await response.json()) as CompetitionQueue);
          setProblem(null);
        } else {
          const body = response ? ((await response.json().catch(() => null)) as { error?: { message?: string } } | null) : null;
          setProblem(body?.error?.message ?? "The server did not answer; retrying every 2 s.");
        }
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [slug]);

  const now = queue.generatedAt;
  return (
    <div className="space-y-6">
      {problem ? <Notice kind="error">Could not refresh the queue: {problem}</Notice> : null}
      {queue.running.length === 0 && queue.queued.length === 0 ? (
        <EmptyState title="No jobs running or waiting">Results files are scored as they arrive; model entries and dataset validations show up here while they wait and run.</EmptyState>
      ) : null}
      {queue.running.length > 0 ? (
        <section aria-labelledby="queue-running">
          <h3 id="queue-running" className="mb-2 text-sm font-semibold text-slate-800">
            Running ({queue.running.length})
          </h3>
          <ul className="space-y-3">
            {queue.running.map((job) => (
              <RunningJob key={job.id} slug={slug} job={job} now={now} />
            ))}
          </ul>
        </section>
      ) : null}
      {queue.queued.length > 0 ? (
        <section aria-labelledby="queue-waiting">
          <h3 id="queue-waiting" className="mb-2 text-sm font-semibold text-slate-800">
            Waiting ({queue.queued.length})
          </h3>
          <ScrollableTable label="Waiting jobs">
            <table className="w-full text-left text-sm" data-testid="queued-jobs">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-3">#</th>
                  <th scope="col" className="pr-3">Job</th>
                  <th scope="col" className="pr-3">Waiting for</th>
                  <th scope="col" className="pr-3">Ahead (all competitions)</th>
                  <th scope="col" className="pr-3">Expected start</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {queue.queued.map((job) => (
                  <tr key={job.id}>
                    <td className="py-2 pr-3 font-mono">{job.queue?.position}</td>
                    <td className="pr-3">
                      <Subject slug={slug} job={job} />
                      {job.lastError ? <p className="text-xs text-amber-700">Retry {job.attempts + 1} of {job.maxAttempts}: {job.lastError}</p> : null}
                    </td>
                    <td className="pr-3">{duration(secondsBetween(job.createdAt, now))}</td>
                    <td className="pr-3">{job.queue?.ahead ?? "—"}</td>
                    <td className="pr-3">{job.queue?.etaSeconds != null ? `in about ${duration(job.queue.etaSeconds)}` : "no estimate yet"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        </section>
      ) : null}
      {queue.recent.length > 0 ? (
        <details>
          <summary className="cursor-pointer rounded text-sm font-medium text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500">Recently finished ({queue.recent.length})</summary>
          <ul className="mt-2 space-y-1 text-sm">
            {queue.recent.map((job) => (
              <li key={job.id}>
                <span className={job.state === "failed" ? "font-medium text-red-700" : "text-slate-600"}>{job.state}</span> · <Subject slug={slug} job={job} />
                {job.finishedAt ? <span className="text-xs text-slate-500"> · {formatTime(job.finishedAt, timeZone, { seconds: true })}</span> : null}
                {job.state === "failed" && job.lastError ? <p className="text-xs text-red-700">{job.lastError}</p> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <p className="text-xs text-slate-500">Refreshes every 2 s. Queue places are estimates: claims are fair across competitions and teams, not first come, first served.</p>
    </div>
  );
}
