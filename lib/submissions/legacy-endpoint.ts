import { authenticateApiToken } from "../auth/api-tokens";
import type { SubmitDatabase, TeamForSubmission } from "./submit-results";
import { readLegacyGroupname } from "./legacy-body";
import { isAppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import { newInviteCode, normalizeTeamName } from "../teams/create-team";
import { submitResults } from "./submit-results";

// The original course client's endpoint (PRODUCT.md): `POST /retrieval/` with a raw JSON body
// `{"groupname", "images"}` and no Content-Type. It answers `200 {"accuracy": <public score>}`, and every refusal is
// a non-2xx plain-text reason, because the client prints the body verbatim when it is not JSON.

export interface LegacyRequest {
  /** From /c/{slug}/retrieval/; null for the bare /retrieval/ (the competition an admin marked as default). */
  slug: string | null;
  body: Uint8Array;
  token: string | null;
}

export interface LegacyReply {
  status: number;
  /** JSON for success, plain text otherwise. */
  json?: { accuracy: number };
  text?: string;
}

const text = (status: number, message: string): LegacyReply => ({ status, text: message });

export async function handleLegacySubmission(database: SubmitDatabase, store: BlobStore, request: LegacyRequest): Promise<LegacyReply> {
  const { prisma, sql } = database;
  try {
    const competition = request.slug
      ? await prisma.competition.findUnique({ where: { slug: request.slug } })
      : await prisma.competition.findFirst({ where: { isLegacyDefault: true } });
    if (!competition) return text(404, request.slug ? `no competition "${request.slug}"` : "no competition answers /retrieval/ here: ask the organizers for the URL of yours");
    if (competition.legacyEndpointMode === "OFF") return text(404, `the /retrieval/ endpoint is off for ${competition.slug}`);

    const read = readLegacyGroupname(request.body);
    if (!read.ok) return text(400, read.message);
    const { name, nameKey } = normalizeTeamName(read.groupname);

    // Plain SQL for the team: it is looked up on every entry, and this row is all submitResults needs of it.
    const findTeam = async () =>
      (await sql.query<TeamForSubmission>(`SELECT id, name, disqualified_at, disqualified_reason FROM teams WHERE competition_id = $1 AND name_key = $2`, [competition.id, nameKey]))[0];
    let team = await findTeam();
    if (competition.legacyEndpointMode === "TOKEN") {
      if (!request.token) return text(401, "this competition needs your team token: send it as Authorization: Bearer <token> or ?token=<token>");
      const owner = await authenticateApiToken(prisma, request.token);
      if (!owner.teamId || !team || owner.teamId !== team.id) return text(403, `that token does not belong to team "${name}"`);
    } else if (!team) {
      if (!competition.registrationOpen) return text(403, `no team "${name}" in ${competition.slug}, and registration is closed`);
      // Two first entries of a new team racing: the unique index decides, the loser reads the winner's row.
      const created = await prisma.team.create({ data: { competitionId: competition.id, name, nameKey, inviteCode: newInviteCode() } }).then(
        () => null,
        (error: unknown) => error,
      );
      team = await findTeam();
      if (!team) throw created ?? new Error(`team "${name}" was created but cannot be read back`);
    }

    const outcome = await submitResults(database, store, { competitionId: competition.id, competition, teamId: team.id, team, userId: null, channel: "LEGACY", bytes: request.body, fileName: null });
    switch (outcome.kind) {
      case "scored":
        return { status: 200, json: { accuracy: Math.round(outcome.splits.public.score * 100) / 100 } };
      case "invalid":
        return text(422, outcome.errors.map((error) => error.message).join("\n"));
      case "quota":
        return text(429, outcome.message);
      case "queued":
        return text(202, `received, ${outcome.message}; see your score on the competition page`);
    }
  } catch (error) {
    if (isAppError(error)) return text(error.status, error.message);
    throw error;
  }
}

