// The shake-up after the reveal: where each team of the private board stood on the public one. Pure: the page
// computes it from the two boards it already holds.

export interface RankChange {
  /** The team's rank on the public board, or null when it has no public rank (absent there). */
  publicRank: number | null;
  /** Places gained (positive) or lost (negative) from the public board to the private one; null when new. */
  change: number | null;
}

export function rankChanges(privateRows: readonly { team: string; rank: number }[], publicRows: readonly { team: string; rank: number }[]): Map<string, RankChange> {
  const publicRank = new Map(publicRows.map((row) => [row.team, row.rank]));
  return new Map(
    privateRows.map((row) => {
      const before = publicRank.get(row.team) ?? null;
      return [row.team, { publicRank: before, change: before === null ? null : before - row.rank }];
    }),
  );
}

/** "▲ 3", "▼ 1", "–" or "new", and the words a screen reader says for it. */
export function describeRankChange(change: RankChange): { symbol: string; label: string } {
  if (change.change === null) return { symbol: "new", label: "not on the public board" };
  if (change.change === 0) return { symbol: "–", label: `same place as on the public board (${change.publicRank})` };
  const places = Math.abs(change.change);
  return change.change > 0
    ? { symbol: `▲ ${places}`, label: `up ${places} place${places === 1 ? "" : "s"} from ${change.publicRank} on the public board` }
    : { symbol: `▼ ${places}`, label: `down ${places} place${places === 1 ? "" : "s"} from ${change.publicRank} on the public board` };
}
