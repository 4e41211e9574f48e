import { requireSignedIn, type Actor } from "../auth/actor";
import { createApiToken, type CreatedToken } from "../auth/api-tokens";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

// Team tokens: API tokens that act for one team only (ApiToken.teamId). They are what the legacy endpoint's token
// mode asks for (…/retrieval/?token=…), and what a team with members needs to post there in open mode. Any member
// may create, list and revoke the team's tokens; nobody else sees them (THREATS.md: another team's tokens). A team
// token may submit and read, never manage: it cannot mint tokens or change settings.

const TEAM_TOKEN_SCOPES = ["read", "submit"] as const;

/** The team the actor is a member of (as a person, not through a team token), or FORBIDDEN saying what to do. */
async function memberTeamOrThrow(prisma: PodiumPrisma, actor: Actor, slug: string) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(prisma, slug);
  const member = await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: actor.userId } }, include: { team: true } });
  if (!member) throw new AppError("FORBIDDEN", `team tokens are for members of a team of ${slug}: you are not in one`);
  if (actor.teamId && actor.teamId !== member.teamId) throw new AppError("FORBIDDEN", `this team token is not for your team in ${slug}`);
  return member.team;
}

export async function createTeamToken(prisma: PodiumPrisma, actor: Actor, slug: string, name: string): Promise<CreatedToken & { team: string }> {
  requireSignedIn(actor);
  if (actor.teamId) throw new AppError("FORBIDDEN", "a team token cannot mint tokens");
  const team = await memberTeamOrThrow(prisma, actor, slug);
  // Minted with a personal token: revoked with it, like every token minted by a token.
  const parent = actor.tokenId ? { tokenId: actor.tokenId, scopes: actor.scopes ?? [] } : null;
  const created = await createApiToken(prisma, { userId: actor.userId, teamId: team.id, name, scopes: [...TEAM_TOKEN_SCOPES], parent });
  return { ...created, team: team.name };
}

/** A team token as the API lists it (JSON, so times are ISO strings): what the team card and the CLI show. */
export interface TeamTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: string;
}

/** The team's tokens (never their secrets), newest first, with who created each. */
export async function listTeamTokens(prisma: PodiumPrisma, actor: Actor, slug: string) {
  const team = await memberTeamOrThrow(prisma, actor, slug);
  const tokens = await prisma.apiToken.findMany({
    where: { teamId: team.id },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, expiresAt: true, user: { select: { name: true, email: true } } },
  });
  return {
    team: team.name,
    tokens: tokens.map(({ user, ...token }) => ({ ...token, createdBy: user.name ?? user.email })),
  };
}

/** Revokes one of the team's tokens; another team's token (or an unknown id) is NOT_FOUND, so ids reveal nothing. */
export async function revokeTeamToken(prisma: PodiumPrisma, actor: Actor, slug: string, tokenId: string): Promise<{ revoked: string }> {
  const team = await memberTeamOrThrow(prisma, actor, slug);
  const result = await prisma.apiToken.updateMany({ where: { id: tokenId, teamId: team.id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (result.count === 0) throw new AppError("NOT_FOUND", `no active token ${tokenId} of team "${team.name}"`);
  return { revoked: tokenId };
}
