import { z } from "zod";
import { AppError } from "../../lib/errors/app-error";
import { describeQuota } from "../../lib/teams/describe-quota";
import { formatTime } from "../../lib/time/format-time";
import { ApiClient } from "../api-client";
import { parseCommandArgs } from "../args";
import type { CliIO } from "../podium";
import type { TeamTokenView } from "../../lib/teams/team-tokens";

export const usage = `Usage:
  podium team create --competition S NAME      create a team (NAME is also its legacy groupname); you are its captain
  podium team join --competition S CODE        join a team with its invite code (one starting with "-": -- CODE)
  podium team show --competition S [--json]    name, members, invite code and entries left today
  podium team token create --competition S [--name N]   a team token, shown once: for …/retrieval/?token=…
  podium team token list --competition S [--json]       your team's tokens (never their secrets)
  podium team token revoke --competition S ID           revoke one of them

Team tokens act for your team only (read and submit). A competition whose legacy endpoint is in token mode needs
one, and so does any team with members that posts with the original client in open mode.`;

/** GET /api/v1/competitions/{slug}/team, as the CLI reads it (submit uses the quota too). */
export interface TeamView {
  team: { id: string; name: string; disqualified: boolean };
  members: { name: string; role: string; joinedAt: string }[];
  inviteCode: string | null;
  quota: { dailyLimit: number | null; usedToday: number; leftToday: number | null; totalLimit: number | null; usedTotal: number; leftTotal: number | null; resetsAt: string | null };
}


const teamPath = (slug: string, rest = "") => `/api/v1/competitions/${encodeURIComponent(slug)}${rest}`;

async function timeZoneOf(client: ApiClient, slug: string): Promise<string> {
  const competition = await client.request<{ timeZone?: string }>("GET", teamPath(slug)).catch(() => null);
  return competition?.timeZone ?? "UTC";
}

const competition = z.string({ message: "is required" }).min(1);
const noArguments = z.array(z.string()).max(0);

async function tokenCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const client = ApiClient.fromConfig();
  if (sub === "create") {
    const args = parseCommandArgs(rest, { competition: { type: "string" }, name: { type: "string" } }, z.object({ competition, name: z.string().optional(), positionals: noArguments }), usage);
    const created = await client.request<{ id: string; token: string; name: string; team: string }>("POST", teamPath(args.competition, "/team/tokens"), { name: args.name ?? "team token" });
    io.stderr(`team token "${created.name}" (${created.id}) for team "${created.team}"; it is shown only now:`);
    io.stdout(created.token);
    io.stderr(`original client: submit(results, "${created.team}", url="${client.config.server.replace(/\/$/, "")}/c/${args.competition}/retrieval/?token=${created.token}")`);
    return 0;
  }
  if (sub === "list") {
    const args = parseCommandArgs(rest, { competition: { type: "string" }, json: { type: "boolean" } }, z.object({ competition, json: z.boolean().optional(), positionals: noArguments }), usage);
    const listed = await client.request<{ team: string; tokens: TeamTokenView[] }>("GET", teamPath(args.competition, "/team/tokens"));
    if (args.json) {
      io.stdout(JSON.stringify(listed, null, 2));
      return 0;
    }
    const timeZone = await timeZoneOf(client, args.competition);
    io.stdout(`team ${listed.team}: ${listed.tokens.length} token(s)`);
    for (const token of listed.tokens) {
      const state = token.revokedAt ? `revoked ${formatTime(token.revokedAt, timeZone)}` : token.lastUsedAt ? `last used ${formatTime(token.lastUsedAt, timeZone)}` : "never used";
      io.stdout(`${token.id}  ${token.prefix}…  ${token.name}  by ${token.createdBy}, ${formatTime(token.createdAt, timeZone)}  ${state}`);
    }
    return 0;
  }
  if (sub === "revoke") {
    const args = parseCommandArgs(rest, { competition: { type: "string" } }, z.object({ competition, positionals: z.array(z.string()).length(1, "give the ID of the token to revoke") }), usage);
    const id = args.positionals[0]!;
    await client.request("DELETE", teamPath(args.competition, `/team/tokens/${encodeURIComponent(id)}`));
    io.stdout(`revoked team token ${id}`);
    return 0;
  }
  throw new AppError("BAD_REQUEST", `unknown command "team token ${sub ?? ""}"\n\n${usage}`);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "token") return tokenCommand(rest, io);
  const client = ApiClient.fromConfig();
  if (sub === "create") {
    const args = parseCommandArgs(rest, { competition: { type: "string" } }, z.object({ competition, positionals: z.array(z.string()).length(1, "give the team's NAME (quote it if it has spaces)") }), usage);
    const created = await client.request<{ name: string; inviteCode: string }>("POST", teamPath(args.competition, "/teams"), { name: args.positionals[0] });
    io.stdout(`created team "${created.name}"; teammates join with: podium team join --competition ${args.competition} ${created.inviteCode}`);
    return 0;
  }
  if (sub === "join") {
    const args = parseCommandArgs(rest, { competition: { type: "string" } }, z.object({ competition, positionals: z.array(z.string()).length(1, "give the team's invite CODE") }), usage);
    const joined = await client.request<{ name: string }>("POST", teamPath(args.competition, "/teams/join"), { code: args.positionals[0] });
    io.stdout(`joined team "${joined.name}"`);
    return 0;
  }
  if (sub === "show") {
    const args = parseCommandArgs(rest, { competition: { type: "string" }, json: { type: "boolean" } }, z.object({ competition, json: z.boolean().optional(), positionals: noArguments }), usage);
    const view = await client.request<TeamView>("GET", teamPath(args.competition, "/team"));
    if (args.json) {
      io.stdout(JSON.stringify(view, null, 2));
      return 0;
    }
    const timeZone = await timeZoneOf(client, args.competition);
    io.stdout(`team ${view.team.name}${view.team.disqualified ? " (disqualified)" : ""}`);
    io.stdout(`members: ${view.members.map((member) => `${member.name}${member.role === "CAPTAIN" ? " (captain)" : ""}`).join(", ") || "none"}`);
    if (view.inviteCode) io.stdout(`invite code: ${view.inviteCode}`);
    io.stdout(`entries: ${describeQuota(view.quota, timeZone)}`);
    return 0;
  }
  throw new AppError("BAD_REQUEST", `unknown command "team ${sub ?? ""}"\n\n${usage}`);
}
