import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { AppError } from "../../lib/errors/app-error";
import { ApiClient, apiError } from "../api-client";
import { parseCommandArgs } from "../args";
import type { CliIO } from "../podium";

export const usage = `Usage: podium submit --competition S FILE [--wait]

Submits a results file (any of the three formats) to your team's entries and prints its public score, or the
validation errors (exit 1). Results files are scored at once; --wait also waits for an entry the server queued.`;

interface SubmissionView {
  id: string;
  status: string;
  sha256: string;
  error: string | null;
  scores: Record<string, { score: number; hit: Record<string, number>; ci95: [number, number]; evaluated: number }>;
}

export function describeSubmission(submission: SubmissionView): string {
  const lines = [`submission ${submission.id}: ${submission.status} (sha256 ${submission.sha256.slice(0, 12)}…)`];
  for (const [split, score] of Object.entries(submission.scores)) {
    const hits = Object.entries(score.hit)
      .map(([k, value]) => `hit@${k} ${(value * 100).toFixed(1)}%`)
      .join(", ");
    lines.push(`  ${split.padEnd(8)} ${score.score.toFixed(2)}  [${score.ci95[0].toFixed(2)}, ${score.ci95[1].toFixed(2)}]  ${hits}  (${score.evaluated} queries)`);
  }
  if (submission.error && submission.status !== "scored") lines.push(`  ${submission.error}`);
  return lines.join("\n");
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { competition: { type: "string" }, wait: { type: "boolean" } },
    z.object({ competition: z.string({ message: "is required" }).min(1), wait: z.boolean().optional(), positionals: z.array(z.string()).length(1, "give exactly one results FILE") }),
    usage,
  );
  const path = args.positionals[0]!;
  if (!existsSync(path)) throw new AppError("BAD_REQUEST", `${path} does not exist`);
  const client = ApiClient.fromConfig();
  const form = new FormData();
  form.set("file", new Blob([readFileSync(path)], { type: "application/json" }), basename(path));
  const base = `/api/v1/competitions/${encodeURIComponent(args.competition)}/submissions`;
  const response = await client.raw("POST", base, form, { "x-podium-client": "cli" });
  const body = (await response.json().catch(() => null)) as { submission?: SubmissionView; error?: { message: string } } | null;
  if (response.status === 422) {
    io.stderr(`invalid submission ${path}:\n${body?.error?.message ?? ""}`);
    return 1;
  }
  if (!response.ok && response.status !== 202) throw apiError(response.status, body);
  let submission = body!.submission!;
  while (args.wait && (submission.status === "queued" || submission.status === "running" || submission.status === "received")) {
    await new Promise((wake) => setTimeout(wake, 2000));
    submission = (await client.request<{ submission: SubmissionView }>("GET", `${base}/${submission.id}`)).submission;
  }
  io.stdout(describeSubmission(submission));
  return submission.status === "scored" || submission.status === "queued" ? 0 : 1;
}
