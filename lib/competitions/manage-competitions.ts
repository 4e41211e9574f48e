import { requireOrganizer, requireSignedIn, type Actor } from "../auth/actor";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { DEFAULT_WEIGHTS } from "../scoring/weights";
import { formatTime } from "../time/format-time";
import { changedFields, recordAuditEvent } from "../audit/record-audit-event";
import { rescoreEveryEntry, type RescoreServices, type RescoreSummary } from "../organizers/rescore-entries";
import { SCORE_MEANING_SETTINGS, presentCompetition, settingsToColumns, type CompetitionCreate, type CompetitionUpdate } from "./competition-settings";

export async function getCompetitionOrThrow(prisma: PodiumPrisma, slug: string) {
  const competition = await prisma.competition.findUnique({ where: { slug } });
  if (!competition) throw new AppError("NOT_FOUND", `no competition "${slug}"`);
  return competition;
}

function checkSchedule(startsAt: Date | null | undefined, endsAt: Date | null | undefined, timeZone: string): void {
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
    throw new AppError("BAD_REQUEST", `endsAt (${formatTime(endsAt, timeZone)}) must be after startsAt (${formatTime(startsAt, timeZone)})`);
  }
}

/** Any signed-in user may create a competition and becomes its first organizer. */
export async function createCompetition(prisma: PodiumPrisma, actor: Actor, input: CompetitionCreate) {
  requireSignedIn(actor);
  checkSchedule(input.startsAt, input.endsAt, input.timeZone ?? "UTC");
  if (await prisma.competition.findUnique({ where: { slug: input.slug } })) throw new AppError("CONFLICT", `the slug "${input.slug}" is taken`);
  const competition = await prisma.competition.create({
    data: {
      slug: input.slug,
      scoringWeights: DEFAULT_WEIGHTS.map((term) => ({ ...term })),
      ...settingsToColumns(input),
      title: input.title,
      rehearsal: input.rehearsal ?? false,
      organizers: { create: { userId: actor.userId } },
    },
  });
  await recordAuditEvent(prisma, { actorId: actor.userId, competitionId: competition.id, action: "competition.create", target: { type: "competition", id: competition.id } });
  return competition;
}

/** How an organizer confirms a rescore, named in every refusal. */
export const CONFIRM_RESCORE_HINT = 'confirm a rescore of every entry: "confirmRescore": true in the API, the "Rescore every entry" box on the dashboard, or --confirm-rescore in the CLI';

/** Refuses a change of what scores mean under scored entries unless the organizer confirmed a rescore of every entry. */
export async function refuseSilentRescore(prisma: PodiumPrisma, competitionId: string, changing: readonly string[], confirmRescore: boolean | undefined): Promise<number> {
  if (changing.length === 0) return 0;
  const scored = await prisma.submission.count({ where: { competitionId, status: "SCORED" } });
  if (scored > 0 && !confirmRescore) {
    throw new AppError("CONFLICT", `changing ${changing.join(", ")} changes what the ${scored} scored ${scored === 1 ? "entry's score means" : "entries' scores mean"}: ${CONFIRM_RESCORE_HINT}`);
  }
  return scored;
}

/**
 * Changes settings, recording each changed field before → after. A change of what scores mean (SCORE_MEANING_SETTINGS)
 * under scored entries needs `confirmRescore` and `services`, and then rescores every entry.
 */
export async function updateCompetition(
  prisma: PodiumPrisma,
  actor: Actor,
  slug: string,
  input: CompetitionUpdate & { legacyDefault?: boolean; confirmRescore?: boolean },
  services?: RescoreServices,
): Promise<Awaited<ReturnType<typeof getCompetitionOrThrow>> & { rescore?: RescoreSummary }> {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  checkSchedule(input.startsAt === undefined ? competition.startsAt : input.startsAt, input.endsAt === undefined ? competition.endsAt : input.endsAt, input.timeZone ?? competition.timeZone);
  const { legacyDefault, confirmRescore, ...settings } = input;
  if (legacyDefault !== undefined && !actor!.isAdmin) throw new AppError("FORBIDDEN", "only a platform admin may choose the competition behind the bare /retrieval/ endpoint");
  const before = presentCompetition(competition, "organizer") as Record<string, unknown>;
  const planned = presentCompetition({ ...competition, ...settingsToColumns(settings) }, "organizer") as Record<string, unknown>;
  const changing = SCORE_MEANING_SETTINGS.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(planned[name]));
  const scored = await refuseSilentRescore(prisma, competition.id, changing, confirmRescore);
  if (scored > 0 && !services) throw new AppError("INTERNAL", "a rescore needs the blob store: call updateCompetition with its services");
  const updated = await prisma.$transaction(async (tx) => {
    if (legacyDefault === true) await tx.competition.updateMany({ where: { isLegacyDefault: true, NOT: { id: competition.id } }, data: { isLegacyDefault: false } });
    const row = await tx.competition.update({
      where: { id: competition.id },
      data: { ...settingsToColumns(settings), ...(legacyDefault !== undefined && { isLegacyDefault: legacyDefault }) },
    });
    const after = presentCompetition(row, "organizer") as Record<string, unknown>;
    await recordAuditEvent(tx, {
      actorId: actor!.userId,
      competitionId: competition.id,
      action: "competition.update",
      target: { type: "competition", id: competition.id },
      changes: changedFields(before, after, Object.keys(after)),
      ...(scored > 0 && { details: { rescoreConfirmed: true } }),
    });
    return row;
  });
  if (scored > 0 && services) return { ...updated, rescore: await rescoreEveryEntry(services, updated, actor!.userId, { settings: changing }) };
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
  await recordAuditEvent(prisma, { actorId: actor!.userId, competitionId: competition.id, action: "competition.add-organizer", target: { type: "user", id: user.id }, details: { email: user.email } });
  return { email: user.email };
}

export async function listOrganizers(prisma: PodiumPrisma, competitionId: string) {
  const rows = await prisma.competitionOrganizer.findMany({ where: { competitionId }, include: { user: { select: { email: true, name: true } } }, orderBy: { addedAt: "asc" } });
  return rows.map((row) => ({ email: row.user.email, name: row.user.name, addedAt: row.addedAt }));
}

/** Competitions for the landing page: live first, then upcoming, then past. Rehearsals are not listed. */
export async function listCompetitions(prisma: PodiumPrisma) {
  return prisma.competition.findMany({ where: { rehearsal: false }, orderBy: [{ startsAt: "desc" }, { createdAt: "desc" }], take: 200 });
}
