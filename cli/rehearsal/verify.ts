import { finalEntriesOf, rankTeams, type LeaderboardEntry, type LeaderboardRow } from "../../lib/leaderboards/rank-teams";
import type { DoorAnswer } from "./doors";
import type { Door } from "./plan";

// The rehearsal's verdict, from its own record of every answer and what the server lists afterwards. Pure: every
// check names what it found, so a discrepancy can be read without the rest of the report.

export interface SplitScores {
  all: number;
  public: number;
  private: number;
}

export type AttemptKind = "entry" | "invalid" | "over-quota" | "model" | "after-end" | "select-finals" | "select-after-end";

export interface Attempt {
  seq: number;
  team: string;
  kind: AttemptKind;
  door: Door | "model" | "api";
  sentAt: number;
  answeredAt: number;
  answer: DoorAnswer;
  sha256: string | null;
  /** `podium score` of the bytes sent (results files); for models, of the results file the worker wrote. */
  expected: SplitScores | null;
  /** The team's accepted entries before this attempt (the quota in force). */
  acceptedBefore: number;
  /** Final selections: the entries selected. */
  selected?: string[];
}

export interface ServerEntry {
  id: string;
  team: string;
  kind: "results" | "model";
  channel: string;
  status: string;
  createdAt: string;
  selectedForFinal: boolean;
  scores: { public: number | null; private: number | null; all: number | null };
  sha256?: string;
}

export interface BoardSnapshot {
  at: number;
  rows: Pick<LeaderboardRow, "rank" | "team" | "score" | "entries">[];
}

export interface VerificationInput {
  dailyLimit: number;
  finalSelectionLimit: number;
  startsAt: number;
  freezeAt: number;
  endsAt: number;
  attempts: Attempt[];
  serverEntries: ServerEntry[];
  /** Each team's entries used today, as the server reports them at the end. */
  quotaUsed: Map<string, number>;
  /** The public board as a participant saw it during the freeze. */
  frozenBoards: BoardSnapshot[];
  /** The private board as a participant sees it after the reveal. */
  revealedBoard: Pick<LeaderboardRow, "rank" | "team" | "score">[] | null;
  /** Jobs still queued or running after the end. */
  jobsLeft: { id: string; kind: string; state: string }[];
  /** Requests of the rehearsal that were answered with a server error or not at all (pages, boards, set-up). */
  serverErrors: string[];
}

/** Scores within this are equal (what the database stores is a double; the CLI and the legacy client print two decimals). */
const EXACT = 1e-6;
const PRINTED = 0.005 + 1e-9;

const describe = (attempt: Attempt) => `${attempt.team}'s ${attempt.kind === "model" ? "model" : `${attempt.kind} via ${attempt.door}`} (#${attempt.seq}, sent ${new Date(attempt.sentAt).toISOString()})`;

const isEntry = (attempt: Attempt) => attempt.kind === "entry" || attempt.kind === "model";
/** Attempts that send an entry (the others are final selections). */
export const SUBMITTING: ReadonlySet<AttemptKind> = new Set(["entry", "invalid", "over-quota", "model", "after-end"]);

export function verifyRehearsal(input: VerificationInput): string[] {
  const problems: string[] = [...input.serverErrors];
  const submitting = input.attempts.filter((attempt) => SUBMITTING.has(attempt.kind));

  for (const attempt of submitting) {
    if (attempt.answer.status === 0 || attempt.answer.status >= 500) problems.push(`${describe(attempt)} got ${attempt.answer.status === 0 ? "no answer" : `HTTP ${attempt.answer.status}`}: ${attempt.answer.message}`);
  }

  // What must be refused was refused, for the right reason; what must be accepted was.
  for (const attempt of submitting) {
    const { answer } = attempt;
    if (answer.status === 0 || answer.status >= 500) continue;
    // 422 names the file's problems; the original client's endpoint answers a body it cannot read as JSON with 400.
    if (attempt.kind === "invalid" && (answer.accepted || (answer.status !== 422 && answer.status !== 400))) problems.push(`${describe(attempt)}: an invalid file was ${answer.accepted ? "accepted" : `answered ${answer.status}, not 422 (or 400)`}`);
    if (attempt.kind === "after-end" && (answer.accepted || answer.status !== 403)) problems.push(`${describe(attempt)}: an entry after the end was ${answer.accepted ? "accepted" : `answered ${answer.status}, not 403`}`);
    // Sent so late that the end came first: refused as closed, which is right too.
    const closed = answer.status === 403 && attempt.answeredAt >= input.endsAt;
    if (attempt.kind === "over-quota" && (answer.accepted || (answer.status !== 429 && !closed))) problems.push(`${describe(attempt)}: an entry over the daily limit of ${input.dailyLimit} was ${answer.accepted ? "accepted" : `answered ${answer.status}, not 429`}`);
    if (isEntry(attempt)) {
      if (answer.accepted && attempt.acceptedBefore >= input.dailyLimit) problems.push(`${describe(attempt)} was accepted with ${attempt.acceptedBefore} of ${input.dailyLimit} entries already used`);
      // An entry sent before the end and answered after it may be refused as late; anything else is a lost entry.
      if (!answer.accepted && !closed) problems.push(`${describe(attempt)} was refused (HTTP ${answer.status}) with ${attempt.acceptedBefore} of ${input.dailyLimit} entries used: ${answer.message}`);
    }
  }
  for (const attempt of input.attempts) {
    if (attempt.kind === "select-after-end" && attempt.answer.status !== 409) problems.push(`${describe(attempt)}: a final selection after the end was answered ${attempt.answer.status}, not 409`);
    if (attempt.kind === "select-finals" && !attempt.answer.accepted) problems.push(`${describe(attempt)}: selecting finals was refused (HTTP ${attempt.answer.status}): ${attempt.answer.message}`);
  }

  // Every acknowledged entry is on the server exactly once, and the server has no scored entry nobody acknowledged.
  const byId = new Map(input.serverEntries.map((entry) => [entry.id, entry]));
  const claimed = new Map<string, Attempt>();
  const entryOf = new Map<Attempt, ServerEntry>();
  for (const attempt of submitting.filter((candidate) => candidate.answer.accepted)) {
    let entry: ServerEntry | undefined;
    if (attempt.answer.submissionId) entry = byId.get(attempt.answer.submissionId);
    else {
      const same = input.serverEntries.filter((candidate) => candidate.team === attempt.team && candidate.sha256 === attempt.sha256);
      if (same.length > 1) problems.push(`${describe(attempt)} is on the server ${same.length} times (${same.map((candidate) => candidate.id).join(", ")})`);
      entry = same[0];
    }
    if (!entry) {
      problems.push(`${describe(attempt)} was acknowledged (HTTP ${attempt.answer.status}${attempt.answer.submissionId ? `, entry ${attempt.answer.submissionId}` : ""}) but is not on the server`);
      continue;
    }
    if (claimed.has(entry.id)) problems.push(`${describe(attempt)} and ${describe(claimed.get(entry.id)!)} were acknowledged as the same entry ${entry.id}`);
    claimed.set(entry.id, attempt);
    entryOf.set(attempt, entry);
    if (entry.team !== attempt.team) problems.push(`${describe(attempt)} is on the server as ${entry.team}'s entry ${entry.id}`);
  }
  for (const entry of input.serverEntries) {
    if (entry.status === "scored" && !claimed.has(entry.id)) problems.push(`the server has ${entry.team}'s scored entry ${entry.id} (${entry.channel}, ${entry.createdAt}) that no answer acknowledged`);
  }
  const refusedAttempts = new Map<string, number>();
  for (const attempt of submitting.filter((candidate) => !candidate.answer.accepted)) refusedAttempts.set(attempt.team, (refusedAttempts.get(attempt.team) ?? 0) + 1);
  const unscored = new Map<string, number>();
  for (const entry of input.serverEntries.filter((candidate) => candidate.status !== "scored" && !claimed.has(candidate.id))) unscored.set(entry.team, (unscored.get(entry.team) ?? 0) + 1);
  for (const [team, count] of unscored) {
    if (count > (refusedAttempts.get(team) ?? 0)) problems.push(`the server keeps ${count} refused entries of ${team}, which had only ${refusedAttempts.get(team) ?? 0} refused attempts`);
  }

  // Scores: the server's equal `podium score` of the same bytes; what the answer showed equals it too.
  for (const [attempt, entry] of entryOf) {
    if (entry.status !== "scored") {
      problems.push(`${describe(attempt)} ended ${entry.status}, not scored`);
      continue;
    }
    if (!attempt.expected) {
      problems.push(`${describe(attempt)}: no reference score (its results could not be scored locally)`);
      continue;
    }
    for (const split of ["all", "public", "private"] as const) {
      const server = entry.scores[split];
      if (server === null || Math.abs(server - attempt.expected[split]) > EXACT) problems.push(`${describe(attempt)} entry ${entry.id}: the server's ${split} score is ${server?.toFixed(4) ?? "missing"}, podium score of the same bytes gives ${attempt.expected[split].toFixed(4)}`);
    }
    const shown = attempt.answer.shownPublic;
    const tolerance = attempt.door === "cli" || attempt.door === "legacy" ? PRINTED : EXACT;
    if (attempt.kind === "entry" && (shown === null || Math.abs(shown - attempt.expected.public) > tolerance)) problems.push(`${describe(attempt)}: the answer showed public score ${shown ?? "none"}, podium score gives ${attempt.expected.public.toFixed(4)}`);
  }

  // Quotas: exactly what was accepted.
  const acceptedByTeam = new Map<string, number>();
  for (const attempt of submitting.filter((candidate) => isEntry(candidate) && candidate.answer.accepted)) acceptedByTeam.set(attempt.team, (acceptedByTeam.get(attempt.team) ?? 0) + 1);
  for (const [team, used] of input.quotaUsed) {
    const accepted = acceptedByTeam.get(team) ?? 0;
    if (used !== accepted) problems.push(`${team}: the server counts ${used} entries used today, ${accepted} were accepted`);
  }

  // The public board did not move for participants during the freeze, and shows the entries from before it.
  const frozen = input.frozenBoards;
  for (const snapshot of frozen.slice(1)) {
    if (JSON.stringify(snapshot.rows) !== JSON.stringify(frozen[0]!.rows)) {
      problems.push(`the public board changed for participants during the freeze: at ${new Date(snapshot.at).toISOString()} it was ${boardText(snapshot.rows)}, at ${new Date(frozen[0]!.at).toISOString()} ${boardText(frozen[0]!.rows)}`);
      break;
    }
  }
  const scoredEntries = [...entryOf].filter(([, entry]) => entry.status === "scored" && entry.scores.public !== null);
  const boardEntry = ([attempt, entry]: [Attempt, ServerEntry], split: "public" | "private"): LeaderboardEntry => ({
    teamId: attempt.team,
    teamName: attempt.team,
    submissionId: entry.id,
    submittedAt: new Date(entry.createdAt),
    score: attempt.expected?.[split] ?? entry.scores[split] ?? 0,
    hit: {},
    ci95: [0, 0],
  });
  if (frozen.length > 0) {
    const before = scoredEntries.filter(([, entry]) => Date.parse(entry.createdAt) < input.freezeAt);
    const counts = countByTeam(before.map(([attempt]) => attempt.team));
    const expected = rankTeams(before.map((pair) => boardEntry(pair, "public")), counts);
    const difference = compareBoards(frozen[0]!.rows, expected);
    if (difference) problems.push(`the frozen public board is not the board of the entries before the freeze: ${difference}`);
  }

  // The revealed private board: each team's selected entries (or best public ones), ranked by private score.
  if (!input.revealedBoard) problems.push("the private board was not revealed");
  else {
    const selections = new Map<string, Set<string>>();
    for (const attempt of input.attempts.filter((candidate) => candidate.kind === "select-finals" && candidate.answer.accepted)) selections.set(attempt.team, new Set(attempt.selected));
    for (const entry of input.serverEntries) {
      const chosen = selections.get(entry.team)?.has(entry.id) ?? false;
      if (entry.selectedForFinal !== chosen) problems.push(`${entry.team}'s entry ${entry.id} is ${entry.selectedForFinal ? "" : "not "}selected on the server; the team ${chosen ? "selected" : "did not select"} it`);
    }
    const byTeam = new Map<string, [Attempt, ServerEntry][]>();
    for (const pair of scoredEntries) byTeam.set(pair[0].team, [...(byTeam.get(pair[0].team) ?? []), pair]);
    const finals: LeaderboardEntry[] = [];
    for (const [team, pairs] of byTeam) {
      const candidates = pairs.map((pair) => ({ pair, submissionId: pair[1].id, selected: selections.get(team)?.has(pair[1].id) ?? false, publicScore: pair[0].expected?.public ?? 0, submittedAt: new Date(pair[1].createdAt) }));
      finals.push(...finalEntriesOf(candidates, input.finalSelectionLimit).map((candidate) => boardEntry(candidate.pair, "private")));
    }
    const expected = rankTeams(finals, countByTeam(scoredEntries.map(([attempt]) => attempt.team)));
    const difference = compareBoards(input.revealedBoard, expected);
    if (difference) problems.push(`the revealed private board is not the board recomputed from the final entries: ${difference}`);
  }

  for (const job of input.jobsLeft) problems.push(`job ${job.id} (${job.kind}) is still ${job.state} after the end`);
  return problems;
}

function countByTeam(teams: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const team of teams) counts.set(team, (counts.get(team) ?? 0) + 1);
  return counts;
}

function boardText(rows: readonly Pick<LeaderboardRow, "rank" | "team" | "score">[]): string {
  return rows.length === 0 ? "empty" : rows.slice(0, 5).map((row) => `${row.rank}. ${row.team} ${row.score.toFixed(2)}`).join(", ") + (rows.length > 5 ? ", …" : "");
}

/** The first difference between a board and the expected one (teams, order, ranks, scores), or null. */
export function compareBoards(actual: readonly Pick<LeaderboardRow, "rank" | "team" | "score">[], expected: readonly Pick<LeaderboardRow, "rank" | "team" | "score">[]): string | null {
  if (actual.length !== expected.length) return `${actual.length} teams on it, ${expected.length} expected (${boardText(actual)} vs ${boardText(expected)})`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a.team !== e.team || a.rank !== e.rank || Math.abs(a.score - e.score) > EXACT) return `row ${i + 1} is ${a.rank}. ${a.team} ${a.score.toFixed(4)}, expected ${e.rank}. ${e.team} ${e.score.toFixed(4)}`;
  }
  return null;
}
