import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseCommandArgs } from "../args";
import { readCliConfig } from "../config-file";
import type { CliIO } from "../podium";
import { REHEARSAL_DEFAULTS } from "../rehearsal/plan";
import { formatReport } from "../rehearsal/report";
import { runRehearsal } from "../rehearsal/run-rehearsal";

export const usage = `Usage: podium rehearse --server URL --token ADMIN_TOKEN [--teams N] [--duration SECONDS] [--models M]
                       [--queries Q] [--seed S] [--report FILE]

Plays a whole contest, compressed into minutes, against a running Podium through its public API — before the real
event. It makes an unlisted rehearsal competition (a non-UTC time zone, start now, freeze at 70 %, end at 100 % of
the duration, public fraction 0.5, a daily limit of 8), uploads a dataset the demo's generator makes from the seed,
registers the teams (accounts, teams, invite codes, second members, team tokens) and plays them: results files
through every door (the browser's form, the API, presigned uploads, podium submit, the original client in token
mode), invalid files, entries over the limit, model entries, a burst from every team in the last 10 %, final
selections; then entries after the end, the reveal, and a check of everything acknowledged against the server.

Defaults: ${REHEARSAL_DEFAULTS.teams} teams, ${REHEARSAL_DEFAULTS.durationSeconds} s, ${REHEARSAL_DEFAULTS.models} models, ${REHEARSAL_DEFAULTS.queries} queries (and about ${Math.round(REHEARSAL_DEFAULTS.queries * 1.031)} gallery images), seed "${REHEARSAL_DEFAULTS.seed}".
Without --server and --token, the ones of podium login. The token must be an admin's (podium admin token).

Prints a summary (entries by door, refusals by reason, latency per door, model queue wait and run time, the end to
the revealed board, every discrepancy) and writes it as JSON with --report. Exits 1 on any discrepancy. The
rehearsal competition stays for you to inspect; podium competition delete SLUG removes it.`;

const count = (max: number) => z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);

/** The folder holding bin/podium.mjs, from the sources (cli/commands) or the bundle (dist). */
function podiumScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, "bin", "podium.mjs"))) return join(dir, "bin", "podium.mjs");
  }
  throw new Error("cannot find bin/podium.mjs next to the CLI");
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { server: { type: "string" }, token: { type: "string" }, teams: { type: "string" }, duration: { type: "string" }, models: { type: "string" }, queries: { type: "string" }, seed: { type: "string" }, report: { type: "string" } },
    z.object({
      server: z.url({ message: "must be the server's URL, e.g. http://localhost:3000" }).optional(),
      token: z.string().min(1).optional(),
      teams: count(100).default(REHEARSAL_DEFAULTS.teams),
      duration: z.coerce.number({ message: "must be a number of seconds" }).int("must be whole seconds").min(30, "must be at least 30 seconds").max(6 * 3600, "must be at most 6 hours").default(REHEARSAL_DEFAULTS.durationSeconds),
      models: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(0, "must be 0 or more").max(100).default(REHEARSAL_DEFAULTS.models),
      queries: count(100_000).default(REHEARSAL_DEFAULTS.queries),
      seed: z.string().min(1).max(100).default(REHEARSAL_DEFAULTS.seed),
      report: z.string().optional(),
      positionals: z.array(z.string()).max(0, "takes no arguments"),
    }),
    usage,
  );
  const login = args.server && args.token ? { server: args.server, token: args.token } : { ...readCliConfig(), ...(args.server && { server: args.server }), ...(args.token && { token: args.token }) };
  const workDir = mkdtempSync(join(tmpdir(), "podium-rehearsal-"));
  try {
    const report = await runRehearsal({
      server: login.server,
      token: login.token,
      teams: args.teams,
      durationSeconds: args.duration,
      models: Math.min(args.models, args.teams),
      queries: args.queries,
      seed: args.seed,
      workDir,
      podium: { node: process.execPath, script: podiumScript() },
      log: (line) => io.stderr(line),
    });
    io.stdout(formatReport(report));
    if (args.report) writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
