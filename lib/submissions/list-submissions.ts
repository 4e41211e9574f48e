import { competitionRoleOf, requireSignedIn, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import { teamOfActorOrThrow } from "../teams/create-team";
import { queuePositionOf } from "../queue/queue-position";
import { presentSubmission, privateRevealed } from "./present-submission";

/** A team's own submissions, newest first; private numbers only once revealed (or for organizers). */
export async function listTeamSubmissions(prisma: PodiumPrisma, actor: Actor, slug: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  const rows = await prisma.submission.findMany({ where: { teamId: team.id }, orderBy: { createdAt: "desc" }, include: { scores: true }, take: 500 });
  const showPrivate = privateRevealed(competition);
  return { team: { name: team.name }, submissions: rows.map((row) => presentSubmission(row, { showPrivate })) };
}

/** A submission its team or the competition's organizers may see; NOT_FOUND for anyone else. */
async function visibleSubmissionOrThrow(prisma: PodiumPrisma, actor: Actor, slug: string, id: string) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(prisma, slug);
  const row = await prisma.submission.findFirst({ where: { id, competitionId: competition.id }, include: { scores: true } });
  if (!row) throw new AppError("NOT_FOUND", `no submission ${id} in ${slug}`);
  const role = await competitionRoleOf(prisma, actor, competition.id);
  const organizer = role === "admin" || role === "organizer";
  if (!organizer) {
    const team = await teamOfActorOrThrow(prisma, actor, competition);
    if (team.id !== row.teamId) throw new AppError("NOT_FOUND", `no submission ${id} in ${slug}`);
  }
  return { competition, row, organizer };
}

/** One submission, for its team or the competition's organizers. */
export async function getSubmissionForActor(prisma: PodiumPrisma, actor: Actor, slug: string, id: string) {
  const { competition, row, organizer } = await visibleSubmissionOrThrow(prisma, actor, slug, id);
  const presented = presentSubmission(row, { showPrivate: organizer || privateRevealed(competition) });
  return row.kind === "MODEL" ? { ...presented, job: await modelJobStatus(prisma, row.id) } : presented;
}

/** A model entry's job as its team sees it: state, live progress, and place in the queue with an ETA. */
export async function modelJobStatus(prisma: PodiumPrisma, submissionId: string) {
  const job = await prisma.job.findFirst({ where: { submissionId }, orderBy: { createdAt: "desc" } });
  if (!job) return null;
  const queue = job.state === "QUEUED" ? await queuePositionOf(prisma, submissionId) : null;
  return { state: job.state.toLowerCase(), attempts: job.attempts, maxAttempts: job.maxAttempts, progress: job.progress ?? null, queue };
}

/** A short-lived download URL of the top-10 file a model entry generated. */
export async function generatedResultsUrl(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, id: string): Promise<string> {
  const { row } = await visibleSubmissionOrThrow(prisma, actor, slug, id);
  if (row.kind !== "MODEL" || !row.resultsKey) throw new AppError("NOT_FOUND", `submission ${id} has no generated results file${row.kind === "MODEL" ? " yet" : " (it is a results file)"}`);
  return store.presignGet(row.resultsKey, { expiresIn: 300, downloadName: `${id}.top10.json` });
}
