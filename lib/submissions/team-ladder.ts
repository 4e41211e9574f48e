import type { PodiumPrisma } from "../db/open-database";
import { ladderSteps, type LadderStep } from "../leaderboards/ladder";
import { privateRevealed } from "./present-submission";

// What a team sees of its own public scores while the competition runs the ladder: the same steps as the public
// board (lib/leaderboards/get-leaderboard.ts), over the team's scored entries against the active version in time
// order. Once private numbers are shown the contest is over and exact scores are back.

type LadderCompetition = { id: string; activeDatasetVersionId: string | null; ladderThreshold: number | null; revealedAt: Date | null; endsAt: Date | null; leaderboardVisibility: string };

/** The threshold participants' public scores move by, or null when they see exact scores (ladder off, or private numbers shown). */
export function ladderThresholdFor(competition: Omit<LadderCompetition, "id" | "activeDatasetVersionId">, now = new Date()): number | null {
  return competition.ladderThreshold !== null && !privateRevealed(competition, now) ? competition.ladderThreshold : null;
}

/** The team's ladder steps by submission id, or null when the ladder does not apply. */
export async function teamLadderOf(prisma: PodiumPrisma, competition: LadderCompetition, teamId: string, now = new Date()): Promise<Map<string, LadderStep> | null> {
  const threshold = ladderThresholdFor(competition, now);
  if (threshold === null) return null;
  const steps = new Map<string, LadderStep>();
  if (!competition.activeDatasetVersionId) return steps;
  const entries = await prisma.submission.findMany({
    where: { teamId, competitionId: competition.id, status: "SCORED", datasetVersionId: competition.activeDatasetVersionId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, scores: { where: { split: "PUBLIC", datasetVersionId: competition.activeDatasetVersionId }, select: { score: true } } },
  });
  const scored = entries.filter((entry) => entry.scores.length > 0);
  ladderSteps(
    scored.map((entry) => entry.scores[0]!.score),
    threshold,
  ).forEach((step, i) => steps.set(scored[i]!.id, step));
  return steps;
}
