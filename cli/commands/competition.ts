import { parseArgs } from "node:util";
import { COMPETITION_SETTING_NAMES, competitionUpdateSchema, kebabCase } from "../../lib/competitions/competition-settings";
import { AppError } from "../../lib/errors/app-error";
import { formatTime } from "../../lib/time/format-time";
import { ApiClient } from "../api-client";
import type { CliIO } from "../podium";
import { describeRescore } from "../../lib/organizers/describe-rescore";

const settingFlags = COMPETITION_SETTING_NAMES.map((name) => `  --${kebabCase(name)}`).join("\n");

export const usage = `Usage:
  podium competition create --slug S --title T [--rehearsal] [settings…]
  podium competition update S [settings…] [--add-organizer EMAIL] [--legacy-default true|false] [--confirm-rescore]
  podium competition show S [--json]
  podium competition delete S [--force]   delete it with its teams, entries and data; one that is not a
                                          rehearsal (create --rehearsal) only with --force

Settings (every one is a flag; "none" clears optional ones):
${settingFlags}

Examples: --public-fraction 0.5 --split-seed 7 --daily-limit 5 --total-limit 100 --legacy-endpoint open
          --submission-kinds results,model --starts-at 2026-12-01T14:00:00+01:00 --ends-at 2026-12-01T16:00:00+01:00
          --weights 1:600,5:300,10:100 --leaderboard frozen --freeze-at 2026-12-01T15:30:00Z --allow-partial false
          --team-analysis off|after-end|during --ladder-threshold 1.0 (or off)

Once entries are scored, changing --split-seed, --public-fraction, --weights or --allow-partial needs
--confirm-rescore: every entry is then rescored (quotas untouched).`;

function parseSettings(argv: string[], extra: string[]) {
  const options = Object.fromEntries([...COMPETITION_SETTING_NAMES.map(kebabCase), ...extra].map((flag) => [flag, { type: "string" as const }]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, json: { type: "boolean" }, "confirm-rescore": { type: "boolean" }, rehearsal: { type: "boolean" }, force: { type: "boolean" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AppError("BAD_REQUEST", `${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const settings: Record<string, string> = {};
  for (const name of COMPETITION_SETTING_NAMES) {
    const value = values[kebabCase(name)];
    if (typeof value === "string") settings[name] = value;
  }
  // Check locally first so mistakes are explained before anything is sent.
  const checked = competitionUpdateSchema.safeParse(settings);
  if (!checked.success) throw new AppError("BAD_REQUEST", checked.error.issues.map((issue) => `--${kebabCase(String(issue.path[0]))}: ${issue.message}`).join("\n"));
  return { settings, values, positionals: parsed.positionals };
}

/** Settings that are instants: printed as the API gives them (ISO 8601) and as people read them in the competition's zone. */
const INSTANTS = new Set(["startsAt", "endsAt", "freezeAt", "revealedAt"]);

function printCompetition(io: CliIO, competition: Record<string, unknown>, json: boolean): void {
  if (json) {
    io.stdout(JSON.stringify(competition, null, 2));
    return;
  }
  const timeZone = typeof competition.timeZone === "string" ? competition.timeZone : "UTC";
  for (const [key, value] of Object.entries(competition)) {
    if (key === "description" || key === "rules") continue;
    const shown = Array.isArray(value)
      ? value.map((item) => (typeof item === "object" && item ? (item as { email?: string }).email ?? JSON.stringify(item) : String(item))).join(", ")
      : value === null
        ? "none"
        : INSTANTS.has(key) && typeof value === "string"
          ? `${value} (${formatTime(value, timeZone)})`
          : String(value);
    io.stdout(`${kebabCase(key).padEnd(24)} ${shown}`);
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const client = ApiClient.fromConfig();
  if (sub === "create") {
    const { settings, values, positionals } = parseSettings(rest, ["slug"]);
    if (typeof values.slug !== "string" || typeof values.title !== "string") throw new AppError("BAD_REQUEST", `--slug and --title are required\n\n${usage}`);
    if (positionals.length > 0) throw new AppError("BAD_REQUEST", `unexpected argument ${positionals[0]}`);
    const created = await client.request<Record<string, unknown>>("POST", "/api/v1/competitions", { slug: values.slug, ...settings, ...(values.rehearsal === true && { rehearsal: true }) });
    io.stdout(`created competition ${String(created.slug)}`);
    printCompetition(io, created, values.json === true);
    return 0;
  }
  if (sub === "update") {
    const { settings, values, positionals } = parseSettings(rest, ["add-organizer", "legacy-default"]);
    const slug = positionals[0];
    if (!slug || positionals.length > 1) throw new AppError("BAD_REQUEST", `give the competition's slug: podium competition update SLUG [settings…]`);
    if (typeof values["add-organizer"] === "string") {
      const added = await client.request<{ email: string }>("POST", `/api/v1/competitions/${encodeURIComponent(slug)}/organizers`, { email: values["add-organizer"] });
      io.stdout(`${added.email} now organizes ${slug}`);
    }
    const legacy = values["legacy-default"];
    const body: Record<string, unknown> = { ...settings, ...(typeof legacy === "string" && { legacyDefault: legacy === "true" }) };
    if (Object.keys(body).length > 0) {
      const confirm = values["confirm-rescore"] === true ? { confirmRescore: true } : {};
      const { rescore, ...updated } = await client.request<Record<string, unknown>>("PATCH", `/api/v1/competitions/${encodeURIComponent(slug)}`, { ...body, ...confirm });
      io.stdout(`updated ${slug}: ${Object.keys(body).map(kebabCase).join(", ")}`);
      if (rescore) {
        io.stdout(describeRescore(rescore as { queued: number; modelRuns: number }));
      }
      printCompetition(io, updated, values.json === true);
    }
    return 0;
  }
  if (sub === "show") {
    const { values, positionals } = parseSettings(rest, []);
    const slug = positionals[0];
    if (!slug) throw new AppError("BAD_REQUEST", "give the competition's slug: podium competition show SLUG");
    printCompetition(io, await client.request<Record<string, unknown>>("GET", `/api/v1/competitions/${encodeURIComponent(slug)}`), values.json === true);
    return 0;
  }
  if (sub === "delete") {
    const { values, positionals } = parseSettings(rest, []);
    const slug = positionals[0];
    if (!slug || positionals.length > 1) throw new AppError("BAD_REQUEST", "give the competition's slug: podium competition delete SLUG [--force]");
    const force = values.force === true ? "?force=true" : "";
    const { deleted } = await client.request<{ deleted: { slug: string; rehearsal: boolean; teams: number; submissions: number; accounts: number; blobs: number } }>("DELETE", `/api/v1/competitions/${encodeURIComponent(slug)}${force}`);
    io.stdout(`deleted ${deleted.rehearsal ? "rehearsal " : ""}${deleted.slug}: ${deleted.teams} team(s), ${deleted.submissions} entr${deleted.submissions === 1 ? "y" : "ies"}, ${deleted.accounts} rehearsal account(s), ${deleted.blobs} stored file(s)`);
    return 0;
  }
  io.stderr(usage);
  return 2;
}
