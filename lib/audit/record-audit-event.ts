import { randomUUID } from "node:crypto";
import type { SqlExecutor } from "../db/sql-executor";

// The one way an organizer's action reaches the audit log (THREATS.md invariant 5: who, when, what, before → after).
// Every organizer mutation calls it inside its own transaction, through Prisma or plain SQL alike, so a change and
// its record are written together or not at all.

/** One field's value before and after the action, as people read it (the API's presentation, not raw columns). */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

export interface AuditEventInput {
  actorId: string;
  competitionId: string;
  /** Dotted verb: competition.update, dataset.activate, leaderboard.reveal, team.disqualify, submission.rerun … */
  action: string;
  target?: { type: string; id: string } | null;
  /** Per changed field, before → after. */
  changes?: Record<string, FieldChange>;
  /** Anything else worth keeping (a reason, a version number, how many entries were rescored). */
  details?: Record<string, unknown>;
}

type PrismaAuditWriter = { auditEvent: { create(args: { data: { actorId: string; competitionId: string; action: string; targetType: string | null; targetId: string | null; data: object } }): PromiseLike<unknown> } };

function dataOf(event: AuditEventInput): object {
  return { ...(event.changes && { changes: event.changes }), ...event.details };
}

/** Writes one audit event through a Prisma client or transaction, or a plain-SQL executor. */
export async function recordAuditEvent(db: PrismaAuditWriter | SqlExecutor, event: AuditEventInput): Promise<void> {
  if ("query" in db) {
    await db.query(`INSERT INTO audit_events (id, actor_id, competition_id, action, target_type, target_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`, [
      randomUUID(),
      event.actorId,
      event.competitionId,
      event.action,
      event.target?.type ?? null,
      event.target?.id ?? null,
      JSON.stringify(dataOf(event)),
    ]);
    return;
  }
  await db.auditEvent.create({
    data: { actorId: event.actorId, competitionId: event.competitionId, action: event.action, targetType: event.target?.type ?? null, targetId: event.target?.id ?? null, data: dataOf(event) },
  });
}

/** The fields whose presented value differs, before → after (values compared as JSON). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>, fields: readonly string[]): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) changes[field] = { before: before[field] ?? null, after: after[field] ?? null };
  }
  return changes;
}
