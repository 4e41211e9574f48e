// Pure ranking: the best entry per team, highest score first, earlier entries first on ties; equal scores share a
// rank (1, 1, 3 …).

export interface LeaderboardEntry {
  teamId: string;
  teamName: string;
  submissionId: string;
  submittedAt: Date;
  score: number;
  hit: Record<string, number>;
  ci95: [number, number];
}

export interface LeaderboardRow {
  rank: number;
  team: string;
  score: number;
  hit: Record<string, number>;
  ci95: [number, number];
  entries: number;
  bestAt: string;
}

function better(a: LeaderboardEntry, b: LeaderboardEntry): boolean {
  return a.score > b.score || (a.score === b.score && a.submittedAt < b.submittedAt);
}

/** `entries` are every scored entry considered; `counts` the number of scored entries per team (shown as "entries"). */
export function rankTeams(entries: readonly LeaderboardEntry[], counts: ReadonlyMap<string, number>): LeaderboardRow[] {
  const best = new Map<string, LeaderboardEntry>();
  for (const entry of entries) {
    const current = best.get(entry.teamId);
    if (!current || better(entry, current)) best.set(entry.teamId, entry);
  }
  const ordered = [...best.values()].sort((a, b) => b.score - a.score || a.submittedAt.getTime() - b.submittedAt.getTime() || a.teamName.localeCompare(b.teamName));
  const rows: LeaderboardRow[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const entry = ordered[i]!;
    const rank = i > 0 && ordered[i - 1]!.score === entry.score ? rows[i - 1]!.rank : i + 1;
    rows.push({ rank, team: entry.teamName, score: entry.score, hit: entry.hit, ci95: entry.ci95, entries: counts.get(entry.teamId) ?? 0, bestAt: entry.submittedAt.toISOString() });
  }
  return rows;
}

/**
 * The entries that count on the private board for one team: its selected finals (up to the limit, latest
 * selections first), or when it selected none, its best public entries up to the limit.
 */
export function finalEntriesOf<T extends { submissionId: string; selected: boolean; publicScore: number; submittedAt: Date }>(candidates: readonly T[], limit: number): T[] {
  const selected = candidates.filter((candidate) => candidate.selected).sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime());
  if (selected.length > 0) return selected.slice(0, limit);
  return [...candidates].sort((a, b) => b.publicScore - a.publicScore || a.submittedAt.getTime() - b.submittedAt.getTime()).slice(0, limit);
}
