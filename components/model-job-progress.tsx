"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { ProgressBar } from "@/components/progress-bar";

interface JobView {
  state: string;
  attempts: number;
  maxAttempts: number;
  /** Teams get the phase and a coarse percentage; organizers also images done, total and an ETA. */
  progress: { phase: string; percent: number; done?: number; total?: number; etaSeconds?: number | null } | null;
  queue: { ahead: number; etaSeconds: number | null } | null;
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return "";
  if (seconds < 1) return " · almost done";
  return seconds >= 120 ? ` · about ${Math.round(seconds / 60)} min left` : ` · about ${seconds} s left`;
}

function progressDetail(progress: NonNullable<JobView["progress"]>): string {
  if (progress.done === undefined || progress.total === undefined) return `${progress.percent} %`;
  return `${progress.done.toLocaleString("en")} / ${progress.total.toLocaleString("en")}${formatEta(progress.etaSeconds ?? null)}`;
}

/** Follows a model entry's job live (polling): its place in the queue, then phase and progress; reloads at the end. */
export function ModelJobProgress({ slug, id, initial }: { slug: string; id: string; initial: JobView | null }) {
  const router = useRouter();
  const [job, setJob] = useState(initial);
  useEffect(() => {
    let stopped = false;
    const timer = setInterval(async () => {
      const response = await fetch(`/api/v1/competitions/${slug}/submissions/${id}`, { cache: "no-store" }).catch(() => null);
      if (!response?.ok || stopped) return;
      const { submission } = (await response.json()) as { submission: { status: string; job: JobView | null } };
      setJob(submission.job);
      if (!["checking", "queued", "running", "received"].includes(submission.status)) {
        stopped = true;
        clearInterval(timer);
        router.refresh();
      }
    }, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [slug, id, router]);

  if (!job) return <p className="text-sm text-slate-500">Waiting for the worker…</p>;
  if (job.queue) {
    return (
      <p className="text-sm text-slate-700" data-testid="queue-position">
        In the queue: {job.queue.ahead === 0 ? "next to run" : `${job.queue.ahead} model job(s) ahead`}
        {job.queue.etaSeconds !== null ? ` · expected to start within about ${Math.max(1, Math.round(job.queue.etaSeconds / 60))} min` : ""}
      </p>
    );
  }
  const progress = job.progress;
  return (
    <div className="space-y-2">
      <ProgressBar
        label={progress ? `${progress.phase[0]!.toUpperCase()}${progress.phase.slice(1)}` : "Starting"}
        fraction={progress ? progress.percent / 100 : 0}
        detail={progress ? progressDetail(progress) : undefined}
        testId="model-job-progress"
      />
      {job.attempts > 1 ? <p className="text-xs text-slate-500">Attempt {job.attempts} of {job.maxAttempts}: an earlier worker stopped answering, this one took over.</p> : null}
    </div>
  );
}
