import "server-only";
import { settings } from "@/lib/config/env";
import { jobWakeUp } from "@/lib/queue/wake-up";
import type { ModelCheckSettings } from "@/lib/submissions/submit-model";

/** The dry run's limits, the job's time budget and the wake-up this server uses when it queues a model. */
export function modelCheckSettings(): ModelCheckSettings {
  const { worker } = settings();
  return {
    dryRun: { timeoutMs: worker.dryRunTimeoutMs, memoryLimitBytes: worker.modelMemoryBytes },
    wakeUp: jobWakeUp(),
    timeBudget: { factor: worker.modelTimeFactor, floorSeconds: worker.modelTimeFloorSeconds, maxSeconds: worker.modelTimeoutMs / 1000 },
  };
}

/** Maps a model outcome to the API's answer (the same statuses as results files). */
export function modelOutcomeResponse(outcome: { kind: "queued" | "invalid" | "quota"; message?: string; resetsAt?: Date | null; code?: string }, submission: unknown): Response {
  switch (outcome.kind) {
    case "queued":
      return Response.json({ submission }, { status: 202 });
    case "invalid":
      return Response.json({ error: { code: "INVALID_SUBMISSION", reason: outcome.code, message: outcome.message }, submission }, { status: 422 });
    case "quota":
      return Response.json({ error: { code: "QUOTA_EXCEEDED", message: outcome.message, resetsAt: outcome.resetsAt?.toISOString() ?? null }, submission }, { status: 429 });
  }
}
