import { relative } from "node:path";
import type { LeaderboardRow } from "../leaderboards/rank-teams";
import type { DemoSummary } from "./seed-demo";

// What `npm run demo` prints once the server is up: where to go, who to sign in as, what to try — and the board.

/** Entries the worker still owes a score, or has given one: what the board will count once scoring is done. */
export function expectedDemoEntries(summary: DemoSummary): number {
  return summary.entries.filter((entry) => ["queued", "running", "scored"].includes(entry.status)).length;
}

export function formatDemoBoard(rows: readonly Pick<LeaderboardRow, "rank" | "team" | "score" | "entries">[]): string {
  const width = Math.max(4, ...rows.map((row) => row.team.length));
  const lines = [`  rank  ${"team".padEnd(width)}    score  entries`];
  for (const row of rows) lines.push(`  ${String(row.rank).padStart(4)}  ${row.team.padEnd(width)}  ${row.score.toFixed(2).padStart(7)}  ${String(row.entries).padStart(7)}`);
  return lines.join("\n");
}

/** The banner: `baseUrl` is where the user's browser reaches the server; paths are shown relative to `cwd`. */
export function describeDemo(summary: DemoSummary, baseUrl: string, cwd = process.cwd()): string {
  const url = (path: string) => `${baseUrl}${path}`;
  const shown = (path: string) => {
    const near = relative(cwd, path);
    return near.startsWith("..") ? path : near;
  };
  const emailWidth = Math.max(...summary.signIns.map((signIn) => signIn.email.length));
  const legacy = summary.legacyDefault ? summary.paths.legacy : summary.paths.legacyForCompetition;
  const strongest = summary.examples?.models.at(-1);
  const lines = [
    `Podium demo: ${summary.title}`,
    `  ${url(summary.paths.competition).padEnd(40)} the contest, its leaderboard, team pages`,
    `  ${url(summary.paths.manage).padEnd(40)} the organizer dashboard`,
    "",
    `Sign in at ${url(summary.paths.signIn)}; every demo account's password is ${summary.signIns[0]?.password ?? ""}`,
    ...summary.signIns.map((signIn) => `  ${signIn.email.padEnd(emailWidth)}  ${signIn.role}`),
    "",
    "Try:",
  ];
  if (summary.examples) {
    lines.push(
      `  # the original course client's endpoint (raw JSON body; the groupname "Curl Team" becomes a team)`,
      `  curl --data-binary @${shown(summary.examples.legacyBody)} ${url(legacy)}`,
    );
  }
  lines.push(
    `  # the CLI: sign in as a team member, create a token on ${url(summary.paths.account)}, then`,
    `  npx podium login --server ${baseUrl} --token pod_…`,
    `  npx podium leaderboard --competition ${summary.slug}`,
  );
  if (strongest) lines.push(`  npx podium submit --competition ${summary.slug} ${shown(strongest)} --wait`);
  lines.push(`  # the board as JSON`, `  curl ${url(summary.paths.leaderboardApi)}`);
  return lines.join("\n");
}
