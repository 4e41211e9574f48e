import { SUBMITTING, type Attempt } from "./verify";

// The rehearsal's summary: what went through each door, what was refused and why, how long answers took, how long
// models waited and ran, how long the end took to become a revealed board, and every discrepancy.

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ModelTiming {
  team: string;
  submissionId: string;
  queueWaitSeconds: number | null;
  runSeconds: number | null;
}

export interface RehearsalReport {
  ok: boolean;
  server: string;
  competition: string;
  timeZone: string;
  settings: { teams: number; durationSeconds: number; models: number; queries: number; seed: string; dailyLimit: number; publicFraction: number };
  schedule: { startsAt: string; freezeAt: string; endsAt: string; revealedAt: string | null };
  dataset: { queries: number; gallery: number; generateSeconds: number; uploadSeconds: number };
  setupSeconds: number;
  entries: { accepted: number; byDoor: Record<string, number>; refused: Record<string, number> };
  latencyMs: Record<string, LatencySummary>;
  models: ModelTiming[];
  endToRevealSeconds: number | null;
  frozenBoardChecks: number;
  discrepancies: string[];
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export function summarizeLatency(milliseconds: readonly number[]): LatencySummary {
  const sorted = [...milliseconds].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
}

/** Entries by door, refusals by reason ("over-quota → 429"), latency per door over every answered submission. */
export function tallyAttempts(attempts: readonly Attempt[]): Pick<RehearsalReport, "entries" | "latencyMs"> {
  const byDoor: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const latency = new Map<string, number[]>();
  let accepted = 0;
  for (const attempt of attempts.filter((candidate) => SUBMITTING.has(candidate.kind))) {
    if (attempt.answer.accepted) {
      accepted += 1;
      byDoor[attempt.door] = (byDoor[attempt.door] ?? 0) + 1;
    } else {
      const reason = `${attempt.kind} → ${attempt.answer.status === 0 ? "no answer" : attempt.answer.status}`;
      refused[reason] = (refused[reason] ?? 0) + 1;
    }
    if (attempt.answer.status !== 0) latency.set(attempt.door, [...(latency.get(attempt.door) ?? []), attempt.answeredAt - attempt.sentAt]);
  }
  return { entries: { accepted, byDoor, refused }, latencyMs: Object.fromEntries([...latency].sort(([a], [b]) => a.localeCompare(b)).map(([door, values]) => [door, summarizeLatency(values)])) };
}

const seconds = (value: number | null) => (value === null ? "—" : `${value.toFixed(1)} s`);
const ms = (value: number) => (Number.isNaN(value) ? "—" : `${Math.round(value)} ms`);

export function formatReport(report: RehearsalReport): string {
  const lines = [
    `rehearsal ${report.competition} on ${report.server}: ${report.settings.teams} teams, ${report.settings.durationSeconds} s, ${report.settings.models} model(s), ${report.dataset.queries} queries / ${report.dataset.gallery} gallery images, time zone ${report.timeZone}`,
    `  set-up ${seconds(report.setupSeconds)} (dataset generated in ${seconds(report.dataset.generateSeconds)}, uploaded and validated in ${seconds(report.dataset.uploadSeconds)})`,
    `  schedule ${report.schedule.startsAt} → freeze ${report.schedule.freezeAt} → end ${report.schedule.endsAt}`,
    "",
    `entries accepted: ${report.entries.accepted} (${Object.entries(report.entries.byDoor).map(([door, count]) => `${door} ${count}`).join(", ")})`,
    `refused: ${Object.entries(report.entries.refused).map(([reason, count]) => `${reason}: ${count}`).join(", ") || "none"}`,
    "",
    "latency per door (every answered submission)",
    `  ${"door".padEnd(8)} ${"n".padStart(4)} ${"p50".padStart(9)} ${"p95".padStart(9)} ${"p99".padStart(9)} ${"max".padStart(9)}`,
    ...Object.entries(report.latencyMs).map(([door, l]) => `  ${door.padEnd(8)} ${String(l.n).padStart(4)} ${ms(l.p50).padStart(9)} ${ms(l.p95).padStart(9)} ${ms(l.p99).padStart(9)} ${ms(l.max).padStart(9)}`),
    "",
    `models: ${report.models.length === 0 ? "none" : report.models.map((model) => `${model.team} waited ${seconds(model.queueWaitSeconds)}, ran ${seconds(model.runSeconds)}`).join("; ")}`,
    `end → revealed private board: ${seconds(report.endToRevealSeconds)}`,
    `frozen public board read ${report.frozenBoardChecks} times during the freeze`,
    "",
  ];
  if (report.discrepancies.length === 0) lines.push("no discrepancies: every acknowledged entry is on the board once with the score podium score gives");
  else {
    lines.push(`${report.discrepancies.length} DISCREPANCIES:`);
    for (const problem of report.discrepancies) lines.push(`  - ${problem}`);
  }
  lines.push("", `the rehearsal stays for you to inspect: ${report.server.replace(/\/$/, "")}/c/${report.competition}; remove it with podium competition delete ${report.competition}`);
  return lines.join("\n");
}
