import { z } from "zod";
import { ApiClient } from "../api-client";
import { parseCommandArgs } from "../args";
import { formatTime } from "../../lib/time/format-time";
import type { CliIO } from "../podium";

export const usage = `Usage: podium leaderboard --competition S [--private] [--json | --csv]

Prints the public leaderboard (or the private one once revealed): rank, team, score, hit@k, 95% interval,
entries and the time of the best entry (in the competition's time zone) — the same table as the web page; --json
and --csv keep ISO 8601 times.`;

interface Board {
  board: string;
  competition?: { timeZone?: string };
  frozenAt: string | null;
  rows: { rank: number; team: string; score: number; hit: Record<string, number>; ci95: [number, number]; entries: number; bestAt: string }[];
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { competition: { type: "string" }, private: { type: "boolean" }, json: { type: "boolean" }, csv: { type: "boolean" } },
    z.object({ competition: z.string({ message: "is required" }), private: z.boolean().optional(), json: z.boolean().optional(), csv: z.boolean().optional(), positionals: z.array(z.string()).max(0) }),
    usage,
  );
  const client = ApiClient.fromConfig();
  const path = `/api/v1/competitions/${encodeURIComponent(args.competition)}/leaderboard?board=${args.private ? "private" : "public"}`;
  if (args.csv) {
    io.stdout((await (await client.raw("GET", `${path}&format=csv`)).text()).trimEnd());
    return 0;
  }
  const board = await client.request<Board>("GET", path);
  if (args.json) {
    io.stdout(JSON.stringify(board, null, 2));
    return 0;
  }
  const timeZone = board.competition?.timeZone ?? "UTC";
  if (board.frozenAt) io.stdout(`(frozen at ${formatTime(board.frozenAt, timeZone)})`);
  const ks = [...new Set(board.rows.flatMap((row) => Object.keys(row.hit)))].sort((a, b) => Number(a) - Number(b));
  io.stdout(["rank", "team".padEnd(24), "   score", ...ks.map((k) => `hit@${k}`.padStart(7)), "        95% interval", "entries", "best entry"].join("  "));
  for (const row of board.rows) {
    io.stdout(
      [
        String(row.rank).padStart(4),
        row.team.padEnd(24).slice(0, 24),
        row.score.toFixed(2).padStart(8),
        ...ks.map((k) => `${((row.hit[k] ?? 0) * 100).toFixed(1)}%`.padStart(7)),
        `[${row.ci95[0].toFixed(2)}, ${row.ci95[1].toFixed(2)}]`.padStart(20),
        String(row.entries).padStart(7),
        formatTime(row.bestAt, timeZone, { seconds: true }),
      ].join("  "),
    );
  }
  if (board.rows.length === 0) io.stdout("no scored entries yet");
  return 0;
}
