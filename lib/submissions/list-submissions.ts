import { competitionRoleOf, requireSignedIn, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { jobDisplayState } from "../queue/job-display-state";
import { AppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import { teamOfActorOrThrow } from "../teams/create-team";
import { queuePositionOf } from "../queue/queue-position";
import { publicQueriesOf } from "../scoring/score-submission";
import { presentJobProgress, presentSubmission, privateRevealed } from "./present-submission";
import { scoringIndexFor } from "./scoring-index-cache";
import { teamLadderOf } from "./team-ladder";

/** A team's own submissions, newest first; private numbers only once revealed (or for organizers). */
export async function listTeamSubmissions(prisma: PodiumPrisma, actor: Actor, slug: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  const rows = await prisma.submission.findMany({ where: { teamId: team.id }, orderBy: { createdAt: "desc" }, include: { scores: true }, take: 500 });
  const showPrivate = privateRevealed(competition);
  const ladder = await teamLadderOf(prisma, competition, team.id);
  return { team: { name: team.name }, submissions: rows.map((row) => presentSubmission(row, { showPrivate, ladder })) };
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
  const ladder = organizer ? null : await teamLadderOf(prisma, competition, row.teamId);
  const presented = presentSubmission(row, { showPrivate: organizer || privateRevealed(competition), ladder, organizer });
  if (row.kind !== "MODEL") return presented;
  // The download refuses a team in a model-only contest until the reveal (generatedResultsDownload): say so up front.
  const withheld = !organizer && !competition.submissionKinds.includes("RESULTS") && !competition.revealedAt;
  return { ...presented, ...(withheld ? { generatedResults: false, generatedResultsWithheld: true } : {}), job: await modelJobStatus(prisma, row.id, { organizer }) };
}

/**
 * A model entry's job: state, live progress, and place in the queue with an ETA. Its team sees the phase and a coarse
 * percentage only — images done and an ETA from its own model's speed would time the model on hidden images;
 * organizers see everything.
 */
export async function modelJobStatus(prisma: PodiumPrisma, submissionId: string, options: { organizer: boolean }) {
  const job = await prisma.job.findFirst({ where: { submissionId }, orderBy: { createdAt: "desc" } });
  if (!job) return null;
  // The place in the line of model runs; a CHECK_MODEL job (the checks before it) has none.
  const queue = job.state === "QUEUED" && job.kind === "SCORE_MODEL" ? await queuePositionOf(prisma, submissionId) : null;
  const status = { state: jobDisplayState(job), attempts: job.attempts, maxAttempts: job.maxAttempts, progress: presentJobProgress(job.progress, options.organizer), queue };
  if (!options.organizer) return status;
  // Organizers see each run's memory: the check's dry run and the scoring run, with the cap the model's size set.
  const runs = await prisma.job.findMany({ where: { submissionId, kind: { in: ["CHECK_MODEL", "SCORE_MODEL"] } }, orderBy: { createdAt: "asc" }, select: { kind: true, peakMemoryBytes: true, memoryBytes: true } });
  return {
    ...status,
    memory: runs.map((run) => ({ run: run.kind === "CHECK_MODEL" ? "check (dry run)" : "scoring", peakBytes: run.peakMemoryBytes === null ? null : Number(run.peakMemoryBytes), capBytes: run.memoryBytes === null ? null : Number(run.memoryBytes) })),
  };
}

/**
 * The top-10 file a model entry generated. It ranks the whole gallery for every query, so for a participant it is
 * bounded like everything else they see (THREATS.md): in a model-only competition the gallery is hidden, so the
 * file (which names hidden gallery files) is refused until the reveal; where the gallery is public, the file is cut
 * to the public evaluated queries until private numbers are shown. Organizers always get the whole file.
 */
export async function generatedResultsDownload(
  prisma: PodiumPrisma,
  store: BlobStore,
  actor: Actor,
  slug: string,
  id: string,
  now = new Date(),
): Promise<{ kind: "redirect"; url: string } | { kind: "body"; body: string; fileName: string }> {
  const { competition, row, organizer } = await visibleSubmissionOrThrow(prisma, actor, slug, id);
  if (row.kind !== "MODEL" || !row.resultsKey) throw new AppError("NOT_FOUND", `submission ${id} has no generated results file${row.kind === "MODEL" ? " yet" : " (it is a results file)"}`);
  const fileName = `${id}.top10.json`;
  const whole = async () => ({ kind: "redirect" as const, url: await store.presignGet(row.resultsKey!, { expiresIn: 300, downloadName: fileName }) });
  if (organizer) return whole();
  const modelOnly = !competition.submissionKinds.includes("RESULTS");
  if (modelOnly) {
    if (!competition.revealedAt) throw new AppError("FORBIDDEN", `the gallery of ${slug} is hidden from teams, and the generated top-10 file names its files: it can be downloaded once the organizers reveal the private leaderboard`);
    return whole();
  }
  // Every query public (no private split), or private numbers shown: nothing in the file is withheld.
  if (competition.publicFraction >= 1 || privateRevealed(competition, now)) return whole();
  const versionId = row.datasetVersionId ?? competition.activeDatasetVersionId;
  const version = versionId ? await prisma.datasetVersion.findUnique({ where: { id: versionId }, select: { id: true, truthKey: true } }) : null;
  if (!version?.truthKey) throw new AppError("NOT_FOUND", `the dataset version submission ${id} was scored against is no longer available`);
  const index = await scoringIndexFor(store, version.id, async () => version.truthKey);
  const isPublic = publicQueriesOf(index, { seed: competition.splitSeed, publicFraction: competition.publicFraction });
  const shown = new Set(index.evaluatedNames.filter((_, slot) => isPublic[slot] === 1));
  const parsed = JSON.parse(new TextDecoder().decode(await store.get(row.resultsKey))) as Record<string, unknown>;
  const kept = Object.fromEntries(Object.entries(parsed).filter(([query]) => shown.has(query)));
  return { kind: "body", body: JSON.stringify(kept), fileName: `${id}.top10.public.json` };
}
