import { requireOrganizer, requireSignedIn, type Actor } from "../auth/actor";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { DEFAULT_WEIGHTS } from "../scoring/weights";
import { settingsToColumns, type CompetitionCreate, type CompetitionUpdate } from "./competition-settings";

export async function getCompetitionOrThrow(prisma: PodiumPrisma, slug: string) {
  const competition = await prisma.competition.findUnique({ where: { slug } });
  if (!competition) throw new AppError("NOT_FOUND", `no competition "${slug}"`);
  return competition;
}

function checkSchedule(startsAt: Date | null | undefined, endsAt: Date | null | undefined): void {
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
    throw new AppError("BAD_REQUEST", `endsAt (${endsAt.toISOString()}) must be after startsAt (${startsAt.toISOString()})`);
  }
}

/** Any signed-in user may create a competition and becomes its first organizer. */
export async function createCompetition(prisma: PodiumPrisma, actor: Actor, input: CompetitionCreate) {
  requireSignedIn(actor);
  checkSchedule(input.startsAt, input.endsAt);
  if (await prisma.competition.findUnique({ where: { slug: input.slug } })) throw new AppError("CONFLICT", `the slug "${input.slug}" is taken`);
  const competition = await prisma.competition.create({
    data: {
      slug: input.slug,
      scoringWeights: DEFAULT_WEIGHTS.map((term) => ({ ...term })),
      ...settingsToColumns(input),
      title: input.title,
      organizers: { create: { userId: actor.userId } },
    },
  });
  await prisma.auditEvent.create({ data: { actorId: actor.userId, competitionId: competition.id, action: "competition.create", targetType: "competition", targetId: competition.id } });
  return competition;
}

export async function updateCompetition(prisma: PodiumPrisma, actor: Actor, slug: string, input: CompetitionUpdate & { legacyDefault?: boolean }) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  checkSchedule(input.startsAt === undefined ? competition.startsAt : input.startsAt, input.endsAt === undefined ? competition.endsAt : input.endsAt);
  const { legacyDefault, ...settings } = input;
  if (legacyDefault !== undefined && !actor!.isAdmin) throw new AppError("FORBIDDEN", "only a platform admin may choose the competition behind the bare /retrieval/ endpoint");
  const updated = await prisma.$transaction(async (tx) => {
    if (legacyDefault === true) await tx.competition.updateMany({ where: { isLegacyDefault: true, NOT: { id: competition.id } }, data: { isLegacyDefault: false } });
    const row = await tx.competition.update({
      where: { id: competition.id },
      data: { ...settingsToColumns(settings), ...(legacyDefault !== undefined && { isLegacyDefault: legacyDefault }) },
    });
    await tx.auditEvent.create({
      data: { actorId: actor!.userId, competitionId: competition.id, action: "competition.update", targetType: "competition", targetId: competition.id, data: { changed: Object.keys(input) } },
    });
    return row;
  });
  return updated;
}

/** Adds a co-organizer by e-mail; the person must have an account. */
export async function addOrganizer(prisma: PodiumPrisma, actor: Actor, slug: string, email: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new AppError("NOT_FOUND", `no account for ${email}: ask them to sign up first`);
  await prisma.competitionOrganizer.upsert({
    where: { competitionId_userId: { competitionId: competition.id, userId: user.id } },
    create: { competitionId: competition.id, userId: user.id },
    update: {},
  });
  await prisma.auditEvent.create({ data: { actorId: actor!.userId, competitionId: competition.id, action: "competition.add-organizer", targetType: "user", targetId: user.id } });
  return { email: user.email };
}

export async function listOrganizers(prisma: PodiumPrisma, competitionId: string) {
  const rows = await prisma.competitionOrganizer.findMany({ where: { competitionId }, include: { user: { select: { email: true, name: true } } }, orderBy: { addedAt: "asc" } });
  return rows.map((row) => ({ email: row.user.email, name: row.user.name, addedAt: row.addedAt }));
}

/** Competitions for the landing page: live first, then upcoming, then past. */
export async function listCompetitions(prisma: PodiumPrisma) {
  return prisma.competition.findMany({ orderBy: [{ startsAt: "desc" }, { createdAt: "desc" }], take: 200 });
}
