import { z } from "zod";
import { ApiClient } from "../api-client";
import { parseCommandArgs } from "../args";
import type { CliIO } from "../podium";

export const usage = `Usage: podium submissions --competition S [--json]

Lists your team's submissions: time, status, public score, selected-for-final mark and the file's hash.`;

interface Listed {
  team: { name: string };
  submissions: { id: string; status: string; createdAt: string; selectedForFinal: boolean; sha256: string; error: string | null; scores: Record<string, { score: number }> }[];
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(argv, { competition: { type: "string" }, json: { type: "boolean" } }, z.object({ competition: z.string({ message: "is required" }), json: z.boolean().optional(), positionals: z.array(z.string()).max(0) }), usage);
  const listed = await ApiClient.fromConfig().request<Listed>("GET", `/api/v1/competitions/${encodeURIComponent(args.competition)}/submissions`);
  if (args.json) {
    io.stdout(JSON.stringify(listed, null, 2));
    return 0;
  }
  io.stdout(`team ${listed.team.name}: ${listed.submissions.length} submission(s)`);
  for (const submission of listed.submissions) {
    const score = submission.scores.public ? submission.scores.public.score.toFixed(2).padStart(8) : "       —";
    io.stdout(`${submission.createdAt.slice(0, 19).replace("T", " ")}  ${submission.status.padEnd(9)} ${score}  ${submission.selectedForFinal ? "final" : "     "}  ${submission.id}  ${submission.sha256.slice(0, 12)}${submission.error && submission.status !== "scored" ? `  ${submission.error.split("\n")[0]}` : ""}`);
  }
  return 0;
}
