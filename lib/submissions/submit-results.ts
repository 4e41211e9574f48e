import { createHash, randomUUID } from "node:crypto";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import { checkWeights, scoreSubmission, type ScoredSubmission, type SplitScore, type ValidationError, type WeightTerm } from "../scoring";
import { formatInZone, nextQuotaReset, quotaDayOf } from "./quota-day";
import { scoringIndexFor } from "./scoring-index-cache";

// The one pipeline of results files, whatever the door (browser, API, CLI, legacy endpoint): store the exact bytes,
// validate and score with lib/scoring against the active dataset version, then — under a per-team lock, so quotas
// are exact under concurrency — count it and record its scores.

export type SubmissionChannel = "WEB" | "API" | "CLI" | "LEGACY";

export interface ResultsSubmission {
  competitionId: string;
  teamId: string;
  userId: string | null;
  channel: SubmissionChannel;
  bytes: Uint8Array;
  fileName: string | null;
  now?: Date;
}

export type SubmitOutcome =
  | { kind: "scored"; submissionId: string; splits: Record<"public" | "private" | "all", SplitScore> }
  | { kind: "invalid"; submissionId: string; errors: ValidationError[] }
  | { kind: "quota"; submissionId: string; message: string; resetsAt: Date | null }
  | { kind: "queued"; submissionId: string; message: string };

type CompetitionForSubmission = {
  id: string;
  slug: string;
  timeZone: string;
  startsAt: Date | null;
  endsAt: Date | null;
  submissionKinds: ("RESULTS" | "MODEL")[];
  dailyLimit: number | null;
  totalLimit: number | null;
  allowPartial: boolean;
  publicFraction: number;
  splitSeed: string;
  scoringWeights: unknown;
  activeDatasetVersionId: string | null;
};

/** Refuses outside the schedule, for a kind the competition does not take, or without an active dataset. */
export function checkSubmissionWindow(competition: CompetitionForSubmission, now: Date, kind: "RESULTS" | "MODEL"): void {
  if (competition.startsAt && now < competition.startsAt) {
    throw new AppError("FORBIDDEN", `${competition.slug} opens for submissions at ${formatInZone(competition.startsAt, competition.timeZone)}`);
  }
  if (competition.endsAt && now >= competition.endsAt) {
    throw new AppError("FORBIDDEN", `${competition.slug} closed for submissions at ${formatInZone(competition.endsAt, competition.timeZone)}`);
  }
  if (!competition.submissionKinds.includes(kind)) {
    throw new AppError("BAD_REQUEST", `${competition.slug} accepts ${competition.submissionKinds.map((item) => (item === "RESULTS" ? "results files" : "models")).join(" and ")} only`);
  }
  if (!competition.activeDatasetVersionId) throw new AppError("UNAVAILABLE", `${competition.slug} has no active dataset yet: submissions open once the organizers activate one`);
}

export async function submitResults(prisma: PodiumPrisma, store: BlobStore, input: ResultsSubmission): Promise<SubmitOutcome> {
  const now = input.now ?? new Date();
  const competition = await prisma.competition.findUniqueOrThrow({ where: { id: input.competitionId } });
  checkSubmissionWindow(competition, now, "RESULTS");
  const team = await prisma.team.findUniqueOrThrow({ where: { id: input.teamId } });
  if (team.disqualifiedAt) throw new AppError("FORBIDDEN", `team "${team.name}" was disqualified${team.disqualifiedReason ? `: ${team.disqualifiedReason}` : ""}`);
  const versionId = competition.activeDatasetVersionId!;

  // 1. The exact bytes, before anything else.
  const id = randomUUID();
  const storageKey = `submissions/${competition.id}/${team.id}/${id}.json`;
  await store.put(storageKey, input.bytes, { contentType: "application/json" });
  await prisma.submission.create({
    data: {
      id,
      competitionId: competition.id,
      teamId: team.id,
      submittedById: input.userId,
      datasetVersionId: versionId,
      kind: "RESULTS",
      channel: input.channel,
      status: "RECEIVED",
      fileName: input.fileName,
      storageKey,
      sha256: createHash("sha256").update(input.bytes).digest("hex"),
      sizeBytes: BigInt(input.bytes.length),
      countsTowardQuota: false,
      quotaDay: quotaDayOf(now, competition.timeZone),
      createdAt: now,
    },
  });

  // 2. Validate and score with the one scoring module.
  let scored: ReturnType<typeof scoreSubmission>;
  try {
    const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    const index = await scoringIndexFor(store, version);
    const weights = checkWeights(competition.scoringWeights as unknown as WeightTerm[]);
    if (!weights.ok) throw new AppError("INTERNAL", `the competition's weights are invalid: ${weights.error}`);
    scored = scoreSubmission(input.bytes, index, {
      weights: weights.value,
      allowPartial: competition.allowPartial,
      split: { seed: competition.splitSeed, publicFraction: competition.publicFraction },
    });
  } catch (error) {
    // Stored but not scored: it waits for the worker, and is never lost.
    const message = `scoring will finish in the background (${error instanceof Error ? error.message : String(error)})`;
    await prisma.$transaction([
      prisma.submission.update({ where: { id }, data: { status: "QUEUED", error: message } }),
      prisma.job.create({ data: { kind: "SCORE_RESULTS", competitionId: competition.id, teamId: team.id, submissionId: id, datasetVersionId: versionId } }),
    ]);
    return { kind: "queued", submissionId: id, message };
  }
  if (!scored.ok) {
    await prisma.submission.update({
      where: { id },
      data: { status: "INVALID", validationErrors: scored.error as unknown as object, error: scored.error[0]?.message ?? "invalid", finishedAt: new Date() },
    });
    return { kind: "invalid", submissionId: id, errors: scored.error };
  }
  return recordScoredSubmission(prisma, { id, competition, teamId: team.id, versionId, now, scored: scored.value });
}

/** Counts the submission against the team's quotas under a row lock on the team, then stores its scores. */
async function recordScoredSubmission(
  prisma: PodiumPrisma,
  input: { id: string; competition: CompetitionForSubmission; teamId: string; versionId: string; now: Date; scored: ScoredSubmission },
): Promise<SubmitOutcome> {
  const { competition, scored } = input;
  const quotaDay = quotaDayOf(input.now, competition.timeZone);
  return prisma.$transaction(async (tx) => {
    // Serializes this team's submissions: the counts below see every earlier one.
    await tx.$queryRawUnsafe(`SELECT id FROM teams WHERE id = $1 FOR UPDATE`, input.teamId);
    const [today, total] = await Promise.all([
      competition.dailyLimit === null ? 0 : tx.submission.count({ where: { teamId: input.teamId, countsTowardQuota: true, quotaDay } }),
      competition.totalLimit === null ? 0 : tx.submission.count({ where: { teamId: input.teamId, countsTowardQuota: true } }),
    ]);
    let refusal: { message: string; resetsAt: Date | null } | null = null;
    if (competition.totalLimit !== null && total >= competition.totalLimit) {
      refusal = { message: `quota reached: ${competition.totalLimit} counted submissions in total for this competition`, resetsAt: null };
    } else if (competition.dailyLimit !== null && today >= competition.dailyLimit) {
      const resetsAt = nextQuotaReset(input.now, competition.timeZone);
      refusal = { message: `quota reached: ${competition.dailyLimit} submissions per day; resets at ${formatInZone(resetsAt, competition.timeZone)}`, resetsAt };
    }
    if (refusal) {
      await tx.submission.update({ where: { id: input.id }, data: { status: "CANCELLED", error: refusal.message, finishedAt: new Date() } });
      return { kind: "quota" as const, submissionId: input.id, ...refusal };
    }
    await tx.submission.update({ where: { id: input.id }, data: { status: "SCORED", countsTowardQuota: true, finishedAt: new Date() } });
    await tx.score.createMany({
      data: (["PUBLIC", "PRIVATE", "ALL"] as const).map((split) => {
        const score = scored.splits[split.toLowerCase() as "public" | "private" | "all"];
        return {
          submissionId: input.id,
          competitionId: competition.id,
          teamId: input.teamId,
          datasetVersionId: input.versionId,
          split,
          score: score.score,
          hitAtK: score.hit,
          evaluatedCount: score.evaluated,
          missingCount: score.missing,
          ciLow: score.ci95[0],
          ciHigh: score.ci95[1],
          createdAt: input.now,
        };
      }),
    });
    return { kind: "scored" as const, submissionId: input.id, splits: { public: scored.splits.public, private: scored.splits.private, all: scored.splits.all } };
  });
}
