import { randomBytes } from "node:crypto";
import { remove as removeConfusables } from "confusables";
import { requireSignedIn, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

// Characters that make two names look alike or reorder how a name is displayed: refused outright, since a name
// that carries them can only be meant to deceive ("Team\u200BOne" beside "TeamOne").
const INVISIBLE_CHARACTERS = /[\u200B-\u200D\u2060\uFEFF]/u;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;

/**
 * A name's skeleton: NFKC, other format characters (soft hyphen…) dropped, confusables mapped to their Latin
 * look-alikes, lower-cased. Two names with the same skeleton look the same, so a competition allows only one.
 */
export function teamNameSkeleton(name: string): string {
  const folded = name.normalize("NFKC").replace(/\p{Cf}/gu, "");
  return removeConfusables(removeConfusables(folded).toLowerCase());
}

/**
 * Team names are the legacy client's `groupname`: printable, 2–64 characters, unique per competition by their
 * skeleton (teamNameSkeleton), so "TeamОne" with a Cyrillic О cannot sit beside "TeamOne".
 */
export function normalizeTeamName(name: string): { name: string; nameKey: string } {
  // Checked before trimming: trim() would quietly drop a leading U+FEFF.
  if (INVISIBLE_CHARACTERS.test(name)) throw new AppError("BAD_REQUEST", "a team name cannot contain invisible (zero-width) characters");
  if (BIDI_CONTROLS.test(name)) throw new AppError("BAD_REQUEST", "a team name cannot contain text-direction control characters");
  const trimmed = name.trim().replace(/\s+/g, " ");
  if (trimmed.length < 2 || trimmed.length > 64) throw new AppError("BAD_REQUEST", "a team name needs 2 to 64 characters");
  if ([...trimmed].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) throw new AppError("BAD_REQUEST", "a team name cannot contain control characters");
  const nameKey = teamNameSkeleton(trimmed);
  if (nameKey.replace(/\s/g, "").length < 2) throw new AppError("BAD_REQUEST", "a team name needs at least 2 visible characters");
  return { name: trimmed, nameKey };
}

/** Crockford's base32: no "-" (a code starting with one read as a flag to `podium team join`), no look-alikes. */
const INVITE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** 15 characters of 32 (75 random bits): typed, pasted and passed on a command line as they are. */
export function newInviteCode(): string {
  const bytes = randomBytes(15);
  return Array.from(bytes, (byte) => INVITE_ALPHABET[byte & 31]).join("");
}

/** Creates a team with the actor as captain; refused when registration is closed or the actor already has a team. */
export async function createTeam(prisma: PodiumPrisma, actor: Actor, slug: string, teamName: string) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(prisma, slug);
  if (!competition.registrationOpen) throw new AppError("FORBIDDEN", `registration for ${slug} is closed`);
  if (await prisma.competitionOrganizer.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: actor.userId } } })) {
    throw new AppError("FORBIDDEN", `organizers of ${slug} cannot compete in it`);
  }
  const { name, nameKey } = normalizeTeamName(teamName);
  const existing = await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: actor.userId } }, include: { team: true } });
  if (existing) throw new AppError("CONFLICT", `you are already in team "${existing.team.name}" of ${slug}`);
  const clash = await prisma.team.findUnique({ where: { competitionId_nameKey: { competitionId: competition.id, nameKey } } });
  if (clash) throw new AppError("CONFLICT", `the team name "${clash.name}" is taken in ${slug}`);
  try {
    return await prisma.team.create({
      data: { competitionId: competition.id, name, nameKey, inviteCode: newInviteCode(), members: { create: { userId: actor.userId, competitionId: competition.id, role: "CAPTAIN" } } },
    });
  } catch (error) {
    // Two requests racing for the same name or user: the unique indexes decide, the loser gets a clear answer.
    if ((error as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `the team name "${name}" is taken, or you already joined a team of ${slug}`);
    throw error;
  }
}

/** The actor's team in a competition (a team token names it directly), or a FORBIDDEN error that says what to do. */
export async function teamOfActorOrThrow(prisma: PodiumPrisma, actor: Actor, competition: { id: string; slug: string }) {
  requireSignedIn(actor);
  if (actor.teamId) {
    const team = await prisma.team.findFirst({ where: { id: actor.teamId, competitionId: competition.id } });
    if (!team) throw new AppError("FORBIDDEN", `this team token is not for ${competition.slug}`);
    return team;
  }
  const member = await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: actor.userId } }, include: { team: true } });
  if (!member) throw new AppError("FORBIDDEN", `you are not in a team of ${competition.slug}: create or join one first`);
  return member.team;
}

/** Joins the team with this invite code; refused when it is full, registration is closed or the user has a team. */
export async function joinTeamByInvite(prisma: PodiumPrisma, actor: Actor, slug: string, inviteCode: string) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(prisma, slug);
  if (!competition.registrationOpen) throw new AppError("FORBIDDEN", `registration for ${slug} is closed`);
  const team = await prisma.team.findFirst({ where: { competitionId: competition.id, inviteCode: inviteCode.trim() } });
  if (!team) throw new AppError("NOT_FOUND", `no team of ${slug} has the invite code "${inviteCode.trim()}" (it may have been rotated)`);
  if (await prisma.competitionOrganizer.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: actor.userId } } })) {
    throw new AppError("FORBIDDEN", `organizers of ${slug} cannot compete in it`);
  }
  return prisma.$transaction(async (tx) => {
    // The team row lock makes the size limit exact when several people join at once.
    await tx.$queryRawUnsafe(`SELECT id FROM teams WHERE id = $1 FOR UPDATE`, team.id);
    const existing = await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: actor.userId } }, include: { team: true } });
    if (existing) throw new AppError("CONFLICT", `you are already in team "${existing.team.name}" of ${slug}`);
    const size = await tx.teamMember.count({ where: { teamId: team.id } });
    if (size >= competition.teamSizeLimit) throw new AppError("CONFLICT", `team "${team.name}" is full: ${competition.teamSizeLimit} members at most`);
    await tx.teamMember.create({ data: { teamId: team.id, userId: actor.userId, competitionId: competition.id, role: size === 0 ? "CAPTAIN" : "MEMBER" } });
    return team;
  });
}

/**
 * Leaves the actor's team, revoking the team tokens they created. The team and its entries stay (they are on the
 * leaderboard); an empty team keeps its name.
 */
export async function leaveTeam(prisma: PodiumPrisma, actor: Actor, slug: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  await prisma.$transaction(async (tx) => {
    await tx.teamMember.delete({ where: { teamId_userId: { teamId: team.id, userId: actor!.userId } } });
    // The team tokens this member made leave with them: a former member must not keep posting in the team's name.
    await tx.apiToken.updateMany({ where: { teamId: team.id, userId: actor!.userId, revokedAt: null }, data: { revokedAt: new Date() } });
    // Someone must hold the captaincy while members remain.
    const captain = await tx.teamMember.findFirst({ where: { teamId: team.id, role: "CAPTAIN" } });
    if (!captain) {
      const next = await tx.teamMember.findFirst({ where: { teamId: team.id }, orderBy: { joinedAt: "asc" } });
      if (next) await tx.teamMember.update({ where: { teamId_userId: { teamId: team.id, userId: next.userId } }, data: { role: "CAPTAIN" } });
    }
  });
  return team;
}

/** A new invite code (the old one stops working), for any member of the team. */
export async function rotateInviteCode(prisma: PodiumPrisma, actor: Actor, slug: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  return prisma.team.update({ where: { id: team.id }, data: { inviteCode: newInviteCode() } });
}
