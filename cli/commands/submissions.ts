import { z } from "zod";
import { ApiClient } from "../api-client";
import { parseCommandArgs } from "../args";
import { formatTime } from "../../lib/time/format-time";
import type { CliIO } from "../podium";

export const usage = `Usage: podium submissions --competition S [--json]

Lists your team's submissions: time (in the competition's time zone), status, public score, selected-for-final mark,
the file's hash and the entry's name. --json keeps ISO 8601 times.`;

interface Listed {
  team: { name: string };
  submissions: { id: string; name?: string | null; status: string; createdAt: string; selectedForFinal: boolean; sha256: string; error: string | null; scores: Record<string, { score: number; ladder?: string }> }[];
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(argv, { competition: { type: "string" }, json: { type: "boolean" } }, z.object({ competition: z.string({ message: "is required" }), json: z.boolean().optional(), positionals: z.array(z.string()).max(0) }), usage);
  const listed = await ApiClient.fromConfig().request<Listed>("GET", `/api/v1/competitions/${encodeURIComponent(args.competition)}/submissions`);
  if (args.json) {
    io.stdout(JSON.stringify(listed, null, 2));
    return 0;
  }
  const competition = await ApiClient.fromConfig()
    .request<{ timeZone?: string }>("GET", `/api/v1/competitions/${encodeURIComponent(args.competition)}`)
    .catch(() => null);
  const timeZone = competition?.timeZone ?? "UTC";
  io.stdout(`team ${listed.team.name}: ${listed.submissions.length} submission(s)`);
  for (const submission of listed.submissions) {
    const shown = submission.scores.public;
    // Under the ladder an entry that did not move the team's shown score says so instead of a number.
    const score = !shown ? "       —" : shown.ladder && shown.ladder !== "improved" ? "  no gain" : shown.score.toFixed(2).padStart(8);
    io.stdout(`${formatTime(submission.createdAt, timeZone, { seconds: true })}  ${submission.status.padEnd(9)} ${score}  ${submission.selectedForFinal ? "final" : "     "}  ${submission.id}  ${submission.sha256.slice(0, 12)}${submission.name ? `  ${submission.name}` : ""}${submission.error && submission.status !== "scored" ? `  ${submission.error.split("\n")[0]}` : ""}`);
  }
  return 0;
}
