import { jobDisplayState, type JobDisplayState } from "../queue/job-display-state";
import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";

// The organizer's view of a competition's jobs: what runs now (phase, images done, ETA, worker, attempt), what
// waits and roughly how long, and the last jobs that ended (with the reason when one failed).

export interface JobProgressView {
  phase: string;
  done: number;
  total: number;
  etaSeconds: number | null;
}

export interface QueueJob {
  id: string;
  kind: "validate dataset" | "score results" | "score model";
  /** "waiting for another worker": RUNNING, but its holder missed a heartbeat (lib/queue/job-display-state.ts). */
  state: JobDisplayState;
  team: string | null;
  submissionId: string | null;
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  progress: JobProgressView | null;
  lastError: string | null;
  createdAt: string;
  startedAt: string | null;
  heartbeatAt: string | null;
  finishedAt: string | null;
  /** Queued jobs: place in this competition's queue (1: next) and jobs of the same kind ahead across the platform. */
  queue?: { position: number; ahead: number; etaSeconds: number | null };
}

export interface CompetitionQueue {
  running: QueueJob[];
  queued: QueueJob[];
  recent: QueueJob[];
  /** Server time, so ages (time since the last heartbeat) do not depend on the browser's clock. */
  generatedAt: string;
}

const SHOWN = 100;
const RECENT = 10;

type JobRow = Awaited<ReturnType<typeof jobsOf>>[number];

function jobsOf(prisma: PodiumPrisma, where: Parameters<PodiumPrisma["job"]["findMany"]>[0]) {
  return prisma.job.findMany({ ...where, include: { team: { select: { name: true } } } });
}

function progressOf(value: unknown): JobProgressView | null {
  if (typeof value !== "object" || value === null) return null;
  const progress = value as Partial<JobProgressView>;
  if (typeof progress.phase !== "string" || typeof progress.done !== "number" || typeof progress.total !== "number") return null;
  return { phase: progress.phase, done: progress.done, total: progress.total, etaSeconds: typeof progress.etaSeconds === "number" ? progress.etaSeconds : null };
}

function present(job: JobRow): QueueJob {
  return {
    id: job.id,
    kind: job.kind.toLowerCase().replace("_", " ") as QueueJob["kind"],
    state: jobDisplayState(job),
    team: job.team?.name ?? null,
    submissionId: job.submissionId,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    workerId: job.workerId,
    progress: progressOf(job.progress),
    lastError: job.lastError,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    heartbeatAt: job.heartbeatAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export async function getCompetitionQueue(prisma: PodiumPrisma, actor: Actor, slug: string, now = new Date()): Promise<CompetitionQueue> {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const [running, queued, recent, ahead, rates] = await Promise.all([
    jobsOf(prisma, { where: { competitionId: competition.id, state: "RUNNING" }, orderBy: { startedAt: "asc" }, take: SHOWN }),
    jobsOf(prisma, { where: { competitionId: competition.id, state: "QUEUED" }, orderBy: { createdAt: "asc" }, take: SHOWN }),
    jobsOf(prisma, { where: { competitionId: competition.id, state: { in: ["SUCCEEDED", "FAILED", "CANCELLED"] } }, orderBy: { finishedAt: "desc" }, take: RECENT }),
    // Same estimate as a team's queue position (lib/queue/queue-position.ts): jobs of the kind queued earlier.
    prisma.$queryRawUnsafe<{ id: string; ahead: number }[]>(
      `SELECT j.id, (SELECT count(*)::int FROM jobs o WHERE o.state = 'QUEUED' AND o.kind = j.kind AND o.created_at < j.created_at) AS ahead
       FROM jobs j WHERE j.competition_id = $1 AND j.state = 'QUEUED' ORDER BY j.created_at LIMIT ${SHOWN}`,
      competition.id,
    ),
    prisma.$queryRawUnsafe<{ kind: string; workers: number; average_seconds: number | null }[]>(
      `SELECT k.kind,
         (SELECT count(DISTINCT worker_id)::int FROM jobs WHERE state = 'RUNNING' AND kind::text = k.kind) AS workers,
         (SELECT avg(EXTRACT(EPOCH FROM finished_at - started_at))::float FROM (
            SELECT finished_at, started_at FROM jobs WHERE kind::text = k.kind AND state = 'SUCCEEDED' AND started_at IS NOT NULL AND finished_at IS NOT NULL
            ORDER BY finished_at DESC LIMIT 20) recent) AS average_seconds
       FROM (SELECT DISTINCT kind::text AS kind FROM jobs WHERE competition_id = $1 AND state = 'QUEUED') k`,
      competition.id,
    ),
  ]);
  const aheadOf = new Map(ahead.map((row) => [row.id, row.ahead]));
  const rateOf = new Map(rates.map((row) => [row.kind, row]));
  return {
    running: running.map(present),
    queued: queued.map((job, i) => {
      const jobsAhead = aheadOf.get(job.id) ?? i;
      const rate = rateOf.get(job.kind);
      const etaSeconds = rate?.average_seconds == null ? null : Math.round(((jobsAhead + 1) * rate.average_seconds) / Math.max(1, rate.workers));
      return { ...present(job), queue: { position: i + 1, ahead: jobsAhead, etaSeconds } };
    }),
    recent: recent.map(present),
    generatedAt: now.toISOString(),
  };
}
