import { z } from "zod";
import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { rerunRefusal } from "./rerun-refusal";

// Every submission of a competition for its organizers, filtered and paginated: status, kind, team, and a search
// on the team's name. Organizers see every split's score.

const STATUSES = ["received", "checking", "queued", "running", "scored", "invalid", "failed", "cancelled"] as const;
export const SUBMISSION_STATUSES = STATUSES;
export const SUBMISSIONS_PAGE_SIZE = 25;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** The filters, from a query string or a form; a value that makes no sense is ignored rather than an error. */
export const submissionFiltersSchema = z.object({
  status: z.preprocess(blankToUndefined, z.enum(STATUSES).optional()).catch(undefined),
  kind: z.preprocess(blankToUndefined, z.enum(["results", "model"]).optional()).catch(undefined),
  team: z.preprocess(blankToUndefined, z.string().max(100).optional()).catch(undefined),
  q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()).catch(undefined),
  page: z.coerce.number().int().min(1).catch(1),
  pageSize: z.coerce.number().int().min(1).max(100).catch(SUBMISSIONS_PAGE_SIZE),
});

export type SubmissionFilters = z.infer<typeof submissionFiltersSchema>;

export interface OrganizerSubmissionRow {
  id: string;
  team: { id: string; name: string; disqualified: boolean };
  kind: "results" | "model";
  channel: string;
  status: string;
  fileName: string | null;
  /** The team's name of the entry (participant text: shown escaped), or null. */
  name: string | null;
  createdAt: string;
  countsTowardQuota: boolean;
  selectedForFinal: boolean;
  /** The dataset version its scores below are against. */
  datasetVersion: number | null;
  scores: { public: number | null; private: number | null; all: number | null };
  error: string | null;
  /** Null when it may be re-run; else why not. */
  rerunRefusal: string | null;
}

export async function listCompetitionSubmissions(prisma: PodiumPrisma, actor: Actor, slug: string, filters: SubmissionFilters) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const where = {
    competitionId: competition.id,
    ...(filters.status && { status: filters.status.toUpperCase() as Uppercase<(typeof STATUSES)[number]> }),
    ...(filters.kind && { kind: filters.kind.toUpperCase() as "RESULTS" | "MODEL" }),
    ...(filters.team && { teamId: filters.team }),
    ...(filters.q && { team: { name: { contains: filters.q, mode: "insensitive" as const } } }),
  };
  const total = await prisma.submission.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / filters.pageSize));
  const page = Math.min(filters.page, pageCount);
  const rows = await prisma.submission.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    skip: (page - 1) * filters.pageSize,
    take: filters.pageSize,
    include: { team: { select: { id: true, name: true, disqualifiedAt: true } }, datasetVersion: { select: { number: true } }, scores: true },
  });
  const submissions: OrganizerSubmissionRow[] = rows.map((row) => {
    // Re-runs add scores against newer versions; show the ones of the version the entry now stands on.
    const current = row.scores.filter((score) => score.datasetVersionId === row.datasetVersionId);
    const scoreOf = (split: "PUBLIC" | "PRIVATE" | "ALL") => current.find((score) => score.split === split)?.score ?? null;
    return {
      id: row.id,
      team: { id: row.team.id, name: row.team.name, disqualified: row.team.disqualifiedAt !== null },
      kind: row.kind === "RESULTS" ? "results" : "model",
      channel: row.channel.toLowerCase(),
      status: row.status.toLowerCase(),
      fileName: row.fileName,
      name: row.name,
      createdAt: row.createdAt.toISOString(),
      countsTowardQuota: row.countsTowardQuota,
      selectedForFinal: row.selectedForFinal,
      datasetVersion: row.datasetVersion?.number ?? null,
      scores: { public: scoreOf("PUBLIC"), private: scoreOf("PRIVATE"), all: scoreOf("ALL") },
      error: row.error,
      rerunRefusal: rerunRefusal(row),
    };
  });
  return { submissions, total, page, pageCount, pageSize: filters.pageSize };
}
