import { authenticateApiToken } from "../auth/api-tokens";
import type { SubmitDatabase, TeamForSubmission } from "./submit-results";
import { readLegacyGroupname } from "./legacy-body";
import { isAppError } from "../errors/app-error";
import { consumeRateLimit, rateLimitExhausted, type RateLimitVerdict } from "../rate-limits/rate-limits";
import type { BlobStore } from "../storage/blob-store";
import { newInviteCode, normalizeTeamName } from "../teams/create-team";
import { checkSubmissionWindow, scoreForCompetition, submitResults, type CompetitionForSubmission } from "./submit-results";
import { teamLadderOf } from "./team-ladder";

// The original course client's endpoint (PRODUCT.md): `POST /retrieval/` with a raw JSON body
// `{"groupname", "images"}` and no Content-Type. It answers `200 {"accuracy": <public score>}`, and every refusal is
// a non-2xx plain-text reason, because the client prints the body verbatim when it is not JSON.
//
// In "open" mode a groupname nobody uses yet becomes a new team with no members. Such a team is all the endpoint
// may post to without a token: a team with members (made in the browser, the API or the CLI) takes legacy posts
// only with one of its team tokens, so nobody can post in its name by knowing it (THREATS.md: a rival team).

export interface LegacyRequest {
  /** From /c/{slug}/retrieval/; null for the bare /retrieval/ (the competition an admin marked as default). */
  slug: string | null;
  body: Uint8Array;
  token: string | null;
  /** Who is posting (lib/rate-limits/client-address.ts), for the limit on new teams per address. */
  clientAddress?: string;
}

export interface LegacyReply {
  status: number;
  /** JSON for success, plain text otherwise. */
  json?: { accuracy: number };
  text?: string;
  /** For a rate-limit refusal: seconds until a retry can succeed (the Retry-After header). */
  retryAfterSeconds?: number;
}

type LegacyTeam = TeamForSubmission & { member_count: number };

const text = (status: number, message: string): LegacyReply => ({ status, text: message });

const needsTeamToken = (name: string) =>
  `team "${name}" has members, so it takes posts here only with its team token: add ?token=<team token> to the URL (a member creates one on the team page or with \`podium team token create\`)`;

export async function handleLegacySubmission(database: SubmitDatabase, store: BlobStore, request: LegacyRequest): Promise<LegacyReply> {
  const { prisma } = database;
  try {
    const competition = request.slug
      ? await prisma.competition.findUnique({ where: { slug: request.slug } })
      : await prisma.competition.findFirst({ where: { isLegacyDefault: true } });
    if (!competition) return text(404, request.slug ? `no competition "${request.slug}"` : "no competition answers /retrieval/ here: ask the organizers for the URL of yours");
    if (competition.legacyEndpointMode === "OFF") return text(404, `the /retrieval/ endpoint is off for ${competition.slug}`);

    const read = readLegacyGroupname(request.body);
    if (!read.ok) return text(400, read.message);
    const { name, nameKey } = normalizeTeamName(read.groupname);

    let team = await findLegacyTeam(database, competition.id, nameKey);
    let createdHere = false;
    if (competition.legacyEndpointMode === "TOKEN" || request.token) {
      if (!request.token) return text(401, "this competition needs your team token: send it as Authorization: Bearer <token> or ?token=<token>");
      const owner = await authenticateApiToken(prisma, request.token);
      if (!owner.teamId || !team || owner.teamId !== team.id) return text(403, `that token does not belong to team "${name}"`);
    } else if (team) {
      if (team.member_count > 0) return text(403, needsTeamToken(team.name));
    } else {
      const created = await createLegacyTeam(database, store, competition, { name, nameKey, bytes: request.body, clientAddress: request.clientAddress ?? "unknown" });
      if ("reply" in created) return created.reply;
      ({ team, createdHere } = created);
      if (team.member_count > 0) return text(403, needsTeamToken(team.name));
    }

    const outcome = await submitResults(database, store, { competitionId: competition.id, competition, teamId: team.id, team, userId: null, channel: "LEGACY", bytes: request.body, fileName: null });
    // Validated before the team was created; only a dataset activated in between can make it invalid now. A legacy
    // team exists only for an accepted entry, so the team made for this one is removed again (with the entry's row).
    if (createdHere && outcome.kind === "invalid") await prisma.team.deleteMany({ where: { id: team.id, members: { none: {} } } });
    switch (outcome.kind) {
      case "scored": {
        // Under the ladder the reply is the team's shown value, as on the board (lib/leaderboards/ladder.ts).
        const step = (await teamLadderOf(prisma, competition, team.id))?.get(outcome.submissionId);
        return { status: 200, json: { accuracy: Math.round((step ? step.shown : outcome.splits.public.score) * 100) / 100 } };
      }
      case "invalid":
        return text(422, outcome.errors.map((error) => error.message).join("\n"));
      case "quota":
        return text(429, outcome.message);
      case "queued":
        return text(202, `received, ${outcome.message}; see your score on the competition page`);
    }
  } catch (error) {
    if (isAppError(error)) return { status: error.status, text: error.message, retryAfterSeconds: error.retryAfterSeconds };
    throw error;
  }
}

/**
 * A new member-less team for a first legacy post, created only for a body that would be accepted: inside the
 * schedule, valid against the active dataset, and within the limits on new teams per address and per competition.
 * An invalid body therefore leaves nothing behind (there is no team to record it on).
 */
async function createLegacyTeam(
  database: SubmitDatabase,
  store: BlobStore,
  competition: CompetitionForSubmission & { registrationOpen: boolean },
  input: { name: string; nameKey: string; bytes: Uint8Array; clientAddress: string },
): Promise<{ reply: LegacyReply } | { team: LegacyTeam; createdHere: boolean }> {
  const { prisma } = database;
  if (!competition.registrationOpen) return { reply: text(403, `no team "${input.name}" in ${competition.slug}, and registration is closed`) };
  checkSubmissionWindow(competition, new Date(), "RESULTS");
  const limits = [
    ["legacyTeamsPerAddress", `${competition.id}:${input.clientAddress}`],
    ["legacyTeamsPerCompetition", competition.id],
  ] as const;
  const tooMany = (verdict: RateLimitVerdict) => (verdict.allowed ? null : { reply: { status: 429, text: verdict.message, retryAfterSeconds: verdict.retryAfterSeconds } });
  // A spent limit refuses before the body is scored (the cheapest check first); it is counted only for a valid body.
  for (const [limit, key] of limits) {
    const refused = tooMany(await rateLimitExhausted(prisma, limit, key));
    if (refused) return refused;
  }
  const scored = await scoreForCompetition(prisma, store, competition, competition.activeDatasetVersionId!, input.bytes);
  if (!scored.ok) return { reply: text(422, scored.error.map((error) => error.message).join("\n")) };
  for (const [limit, key] of limits) {
    const refused = tooMany(await consumeRateLimit(prisma, limit, key));
    if (refused) return refused;
  }

  // Two first entries of a new team racing: the unique index decides, the loser reads the winner's row (which may
  // be a team someone made in the browser meanwhile: the caller checks its members).
  const created = await prisma.team.create({ data: { competitionId: competition.id, name: input.name, nameKey: input.nameKey, inviteCode: newInviteCode() } }).then(
    () => null,
    (error: unknown) => error,
  );
  const team = await findLegacyTeam(database, competition.id, input.nameKey);
  if (!team) throw created ?? new Error(`team "${input.name}" was created but cannot be read back`);
  return { team, createdHere: created === null };
}

/** The team with this name key, with its member count. Plain SQL: it is looked up on every legacy entry. */
async function findLegacyTeam(database: SubmitDatabase, competitionId: string, nameKey: string): Promise<LegacyTeam | undefined> {
  const rows = await database.sql.query<LegacyTeam>(
    `SELECT id, name, disqualified_at, disqualified_reason, (SELECT count(*)::int FROM team_members WHERE team_id = teams.id) AS member_count
     FROM teams WHERE competition_id = $1 AND name_key = $2`,
    [competitionId, nameKey],
  );
  return rows[0];
}
