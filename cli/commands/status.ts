import { z } from "zod";
import { ApiClient } from "../api-client";
import { parseCommandArgs } from "../args";
import type { CliIO } from "../podium";
import { describeSubmission, waitForSubmission, type SubmissionView } from "./submit";

export const usage = `Usage: podium status --competition S ID [--wait]

Shows one of your team's submissions: its status, the worker's progress for a model (phase and percentage; images
done and ETA for organizers) or its place in the queue, and its scores. --wait follows it until it is scored or fails.`;

function describeJob(submission: SubmissionView): string | null {
  const job = submission.job;
  if (!job) return null;
  if (job.queue) return `  queue: ${job.queue.ahead} model job(s) ahead${job.queue.etaSeconds !== null ? `, ETA about ${job.queue.etaSeconds} s` : ""}`;
  if (job.state === "running" && job.progress) {
    const { phase, percent, done, total, etaSeconds } = job.progress;
    const amount = done !== undefined && total !== undefined ? `${done}/${total}${etaSeconds != null ? `, about ${etaSeconds} s left` : ""}` : `${percent} %`;
    return `  ${phase}: ${amount} (attempt ${job.attempts})`;
  }
  return `  job ${job.state} after ${job.attempts} attempt(s)`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { competition: { type: "string" }, wait: { type: "boolean" } },
    z.object({ competition: z.string({ message: "is required" }).min(1), wait: z.boolean().optional(), positionals: z.array(z.string()).length(1, "give exactly one submission ID") }),
    usage,
  );
  const client = ApiClient.fromConfig();
  const path = `/api/v1/competitions/${encodeURIComponent(args.competition)}/submissions/${encodeURIComponent(args.positionals[0]!)}`;
  let { submission } = await client.request<{ submission: SubmissionView }>("GET", path);
  if (args.wait) submission = await waitForSubmission(client, path, submission, io);
  io.stdout(describeSubmission(submission));
  const job = describeJob(submission);
  if (job && submission.status !== "scored") io.stdout(job);
  return ["failed", "invalid", "cancelled"].includes(submission.status) ? 1 : 0;
}
