import { competitionRoleOf, requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { privateRevealed } from "../submissions/present-submission";
import { csvCell } from "../api/csv";
import { formatTime } from "../time/format-time";
import { recordAuditEvent } from "../audit/record-audit-event";
import { ladderThresholdFor } from "../submissions/team-ladder";
import { ladderBoardEntries } from "./ladder";
import { finalEntriesOf, rankTeams, type LeaderboardEntry, type LeaderboardRow } from "./rank-teams";

export type Board = "public" | "private";

export interface Leaderboard {
  board: Board;
  /** timeZone: the competition's IANA zone, in which people are shown the board's times (the data stays ISO 8601). */
  competition: { slug: string; title: string; timeZone: string };
  /** Participants see the board as it was at the freeze time. */
  frozenAt: string | null;
  revealedAt: string | null;
  /** True when the caller sees live numbers an ordinary participant would not (organizers during a freeze). */
  organizerView: boolean;
  rows: LeaderboardRow[];
  /** Set when participants see ladder values (lib/leaderboards/ladder.ts): scores move only by more than this. */
  ladderThreshold?: number;
  /** Best public score over time of the top teams (public board only), for the chart. */
  history: { team: string; points: { at: string; score: number }[] }[];
  generatedAt: string;
}

const HISTORY_TEAMS = 5;

/** Each top team's best score after each of its entries, in time order. */
function historyOf(entries: LeaderboardEntry[], rows: LeaderboardRow[]): Leaderboard["history"] {
  return rows.slice(0, HISTORY_TEAMS).map((row) => {
    const own = entries.filter((entry) => entry.teamName === row.team).sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
    let best = -Infinity;
    const points: { at: string; score: number }[] = [];
    for (const entry of own) {
      if (entry.score > best) {
        best = entry.score;
        points.push({ at: entry.submittedAt.toISOString(), score: best });
      }
    }
    return { team: row.team, points };
  });
}

interface ScoredEntry {
  submissionId: string;
  teamId: string;
  teamName: string;
  submittedAt: Date;
  selected: boolean;
  public: { score: number; hit: Record<string, number>; ci95: [number, number] } | null;
  private: { score: number; hit: Record<string, number>; ci95: [number, number] } | null;
}

/** Every scored, counted entry of non-disqualified teams against the active version, before `cutoff` if given. */
async function scoredEntries(prisma: PodiumPrisma, competition: { id: string; activeDatasetVersionId: string | null }, cutoff: Date | null): Promise<ScoredEntry[]> {
  if (!competition.activeDatasetVersionId) return [];
  const submissions = await prisma.submission.findMany({
    where: {
      competitionId: competition.id,
      status: "SCORED",
      datasetVersionId: competition.activeDatasetVersionId,
      team: { disqualifiedAt: null },
      ...(cutoff && { createdAt: { lt: cutoff } }),
    },
    select: { id: true, teamId: true, createdAt: true, selectedForFinal: true, team: { select: { name: true } }, scores: { where: { split: { in: ["PUBLIC", "PRIVATE"] }, datasetVersionId: competition.activeDatasetVersionId ?? undefined } } },
  });
  return submissions.map((submission) => {
    const pick = (split: "PUBLIC" | "PRIVATE") => {
      const score = submission.scores.find((row) => row.split === split);
      return score ? { score: score.score, hit: score.hitAtK as Record<string, number>, ci95: [score.ciLow, score.ciHigh] as [number, number] } : null;
    };
    return { submissionId: submission.id, teamId: submission.teamId, teamName: submission.team.name, submittedAt: submission.createdAt, selected: submission.selectedForFinal, public: pick("PUBLIC"), private: pick("PRIVATE") };
  });
}

function countsOf(entries: ScoredEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.teamId, (counts.get(entry.teamId) ?? 0) + 1);
  return counts;
}

function toBoardEntries(entries: ScoredEntry[], split: "public" | "private"): LeaderboardEntry[] {
  return entries.flatMap((entry) => {
    const score = entry[split];
    return score ? [{ teamId: entry.teamId, teamName: entry.teamName, submissionId: entry.submissionId, submittedAt: entry.submittedAt, ...score }] : [];
  });
}

/** The private board: each team's final entries (selected, or its best public ones) ranked by private score. */
async function computePrivateRows(prisma: PodiumPrisma, competition: { id: string; activeDatasetVersionId: string | null; finalSelectionLimit: number }): Promise<LeaderboardRow[]> {
  const entries = await scoredEntries(prisma, competition, null);
  const byTeam = new Map<string, ScoredEntry[]>();
  for (const entry of entries) byTeam.set(entry.teamId, [...(byTeam.get(entry.teamId) ?? []), entry]);
  const finals: ScoredEntry[] = [];
  for (const teamEntries of byTeam.values()) {
    const candidates = teamEntries.map((entry) => ({ ...entry, publicScore: entry.public?.score ?? 0 }));
    finals.push(...finalEntriesOf(candidates, competition.finalSelectionLimit));
  }
  return rankTeams(toBoardEntries(finals, "private"), countsOf(entries));
}

export async function getLeaderboard(prisma: PodiumPrisma, actor: Actor, slug: string, board: Board, now = new Date()): Promise<Leaderboard> {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const role = await competitionRoleOf(prisma, actor, competition.id);
  const organizer = role === "admin" || role === "organizer";
  const base = { board, competition: { slug: competition.slug, title: competition.title, timeZone: competition.timeZone }, revealedAt: competition.revealedAt?.toISOString() ?? null, generatedAt: now.toISOString() };

  if (board === "public") {
    if (competition.leaderboardVisibility === "HIDDEN_UNTIL_REVEAL" && !competition.revealedAt && !organizer) {
      throw new AppError("FORBIDDEN", `the leaderboard of ${slug} is hidden until the organizers reveal it`);
    }
    const frozen = competition.leaderboardVisibility === "FROZEN" && competition.freezeAt !== null && now >= competition.freezeAt && !competition.revealedAt;
    const cutoff = frozen && !organizer ? competition.freezeAt : null;
    const entries = await scoredEntries(prisma, competition, cutoff);
    // With the ladder on, participants see each team's ladder value (organizers the true scores).
    const exact = toBoardEntries(entries, "public");
    const ladder = organizer ? null : ladderThresholdFor(competition, now);
    const boardEntries = ladder !== null ? ladderBoardEntries(exact, ladder) : exact;
    const rows = rankTeams(boardEntries, countsOf(entries));
    return { ...base, ...(ladder !== null && { ladderThreshold: ladder }), frozenAt: frozen ? competition.freezeAt!.toISOString() : null, organizerView: organizer && frozen, rows, history: historyOf(boardEntries, rows) };
  }

  if (!organizer && !privateRevealed(competition, now)) {
    throw new AppError("FORBIDDEN", `the private leaderboard of ${slug} is hidden until ${competition.leaderboardVisibility === "HIDDEN_UNTIL_REVEAL" || !competition.endsAt ? "the organizers reveal it" : `the end (${formatTime(competition.endsAt, competition.timeZone)}) or the organizers' reveal`}`);
  }
  if (competition.revealedAt && !organizer) {
    // Participants see the immutable snapshot taken at the reveal.
    const snapshot = await prisma.leaderboardSnapshot.findFirst({ where: { competitionId: competition.id, kind: "PRIVATE_REVEAL" }, orderBy: { createdAt: "desc" } });
    if (snapshot) return { ...base, frozenAt: null, organizerView: false, rows: snapshot.entries as unknown as LeaderboardRow[], history: [] };
  }
  return { ...base, frozenAt: null, organizerView: organizer && !privateRevealed(competition, now), rows: await computePrivateRows(prisma, competition), history: [] };
}

/** Reveals the private board: stores its immutable snapshot and makes it visible to everyone. */
export async function revealPrivateLeaderboard(prisma: PodiumPrisma, actor: Actor, slug: string, now = new Date()) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  if (competition.revealedAt) throw new AppError("CONFLICT", `the private leaderboard of ${slug} was revealed at ${formatTime(competition.revealedAt, competition.timeZone, { seconds: true })}; a reveal is final`);
  const rows = await computePrivateRows(prisma, competition);
  await prisma.$transaction(async (tx) => {
    await tx.leaderboardSnapshot.create({ data: { competitionId: competition.id, kind: "PRIVATE_REVEAL", entries: rows as unknown as object, createdAt: now } });
    await tx.competition.update({ where: { id: competition.id }, data: { revealedAt: now } });
    await recordAuditEvent(tx, { actorId: actor!.userId, competitionId: competition.id, action: "leaderboard.reveal", target: { type: "competition", id: competition.id }, changes: { revealedAt: { before: null, after: now.toISOString() } }, details: { teams: rows.length } });
  });
  return { revealedAt: now.toISOString(), rows };
}

/** CSV of a board: one line per team, hit@k for the competition's k's. */
export function leaderboardCsv(board: Leaderboard): string {
  const ks = [...new Set(board.rows.flatMap((row) => Object.keys(row.hit)))].sort((a, b) => Number(a) - Number(b));
  const lines = [["rank", "team", "score", ...ks.map((k) => `hit@${k}`), "ci95_low", "ci95_high", "entries", "best_at"].join(",")];
  for (const row of board.rows) {
    lines.push([row.rank, csvCell(row.team), row.score.toFixed(2), ...ks.map((k) => (row.hit[k] ?? 0).toFixed(4)), row.ci95[0].toFixed(2), row.ci95[1].toFixed(2), row.entries, row.bestAt].join(","));
  }
  return `${lines.join("\n")}\n`;
}
