import { z } from "zod";
import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { csvLine } from "../api/csv";
import type { FieldChange } from "./record-audit-event";

// A competition's audit log as organizers read it: on the dashboard, and exported with the results
// (GET /api/v1/competitions/{slug}/audit?format=json|csv).

export const auditFormatSchema = z.object({ format: z.enum(["json", "csv"], { message: "must be json or csv" }).default("json") });

export interface AuditLogEntry {
  at: string;
  /** The organizer's e-mail (null once the account is gone). */
  actor: string | null;
  action: string;
  target: { type: string; id: string } | null;
  changes: Record<string, FieldChange>;
  details: Record<string, unknown>;
}

const MAX_EVENTS = 10_000;

/** Newest first; organizers of the competition (and admins) only. */
export async function listAuditEvents(prisma: PodiumPrisma, actor: Actor, slug: string, options: { limit?: number } = {}): Promise<AuditLogEntry[]> {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const rows = await prisma.auditEvent.findMany({
    where: { competitionId: competition.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(options.limit ?? MAX_EVENTS, MAX_EVENTS),
    include: { actor: { select: { email: true } } },
  });
  return rows.map((row) => {
    const { changes, ...details } = (row.data ?? {}) as { changes?: Record<string, FieldChange> } & Record<string, unknown>;
    return {
      at: row.createdAt.toISOString(),
      actor: row.actor?.email ?? null,
      action: row.action,
      target: row.targetType && row.targetId ? { type: row.targetType, id: row.targetId } : null,
      changes: changes ?? {},
      details,
    };
  });
}

/** "field: before → after" per change, for the dashboard and the CSV. */
export function describeChanges(changes: Record<string, FieldChange>): string {
  const show = (value: unknown) => {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}…` : text;
  };
  return Object.entries(changes)
    .map(([field, change]) => `${field}: ${show(change.before)} → ${show(change.after)}`)
    .join("; ");
}

export function auditCsv(entries: readonly AuditLogEntry[]): string {
  // Cells that a spreadsheet would run as formulas are neutralised (lib/api/csv.ts): reasons and names come from people.
  const lines = [csvLine(["at", "actor", "action", "target_type", "target_id", "changes", "details"])];
  for (const entry of entries) {
    lines.push(csvLine([entry.at, entry.actor, entry.action, entry.target?.type, entry.target?.id, describeChanges(entry.changes), Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : ""]));
  }
  return `${lines.join("\n")}\n`;
}
