// The Ladder of Blum & Hardt ("The Ladder: A Reliable Leaderboard for Machine Learning Competitions", ICML 2015),
// for scores where higher is better. A team's shown public score moves only when a new entry beats the shown best
// by more than the threshold η; it then becomes the new score rounded to the nearest multiple of η (the paper's
// [·]_η). Entries that do not clear the bar reveal one bit — "not an improvement" — so an adaptive prober learns
// about the public labels a bit per entry at most, and cannot climb the board by small, lucky steps.
//
// Choice: the first scored entry of a team always sets its shown value (the bar starts at −∞, the paper's R₀ = ∞
// for a loss); rounding is to multiples of η, and the value shown never exceeds 1000 (a perfect score).

export interface LadderStep {
  /** The team's shown public score after this entry. */
  shown: number;
  /** True when this entry moved the shown score. */
  improved: boolean;
}

const MAX_SCORE = 1000;

/** [score]_η: the nearest multiple of η (floating error trimmed so 0.1-steps print as such). */
export function roundToThreshold(score: number, threshold: number): number {
  const rounded = Math.min(MAX_SCORE, Math.round(score / threshold) * threshold);
  return Number(rounded.toPrecision(12));
}

/** The ladder over one team's public scores in submission order: one step per entry. */
export function ladderSteps(scores: readonly number[], threshold: number): LadderStep[] {
  if (!(threshold > 0)) throw new RangeError(`the ladder threshold must be above 0, not ${threshold}`);
  const steps: LadderStep[] = [];
  let shown = -Infinity;
  for (const score of scores) {
    if (score > shown + threshold || shown === -Infinity) {
      shown = roundToThreshold(score, threshold);
      steps.push({ shown, improved: true });
    } else steps.push({ shown, improved: false });
  }
  return steps;
}

/** What a team is told about an entry that did not move its shown score. */
export const NOT_AN_IMPROVEMENT = "not an improvement beyond the threshold";

/**
 * A board's entries as the ladder shows them: each entry's score is its team's shown value after it, so ranking
 * (rank-teams.ts) and the history chart see only ladder values. hit@k and the interval of the exact score are
 * withheld (they would give the exact score away): hit is empty and the interval collapses to the shown value.
 */
export function ladderBoardEntries<T extends { teamId: string; submittedAt: Date; score: number; hit: Record<string, number>; ci95: [number, number] }>(entries: readonly T[], threshold: number): T[] {
  const byTeam = new Map<string, T[]>();
  for (const entry of entries) byTeam.set(entry.teamId, [...(byTeam.get(entry.teamId) ?? []), entry]);
  const shown: T[] = [];
  for (const own of byTeam.values()) {
    const ordered = [...own].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
    const steps = ladderSteps(
      ordered.map((entry) => entry.score),
      threshold,
    );
    ordered.forEach((entry, i) => shown.push({ ...entry, score: steps[i]!.shown, hit: {}, ci95: [steps[i]!.shown, steps[i]!.shown] }));
  }
  return shown;
}
