import { competitionRoleOf, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { publicQueriesOf } from "../scoring/score-submission";
import { parseResults } from "../scoring/parse-results";
import type { BlobStore } from "../storage/blob-store";
import { getSubmissionForActor } from "../submissions/list-submissions";
import { scoringIndexFor } from "../submissions/scoring-index-cache";
import { formatTime } from "../time/format-time";
import { preparedAnalysisFor } from "./analysis-cache";
import type { AnalysisViewer } from "./analysis-options";
import { prepareVisualAnalysis, type PreparedAnalysis } from "./prepare-visual-analysis";

// What the analysis page and its image route both need: the submission as the actor may see it (the same rule as
// the submission page: its team or the competition's organizers), the viewer's kind, and the prepared lists with
// the split's public flags — or why there is nothing to analyse.

export type PresentedSubmission = Awaited<ReturnType<typeof getSubmissionForActor>>;

export interface AnalysisContext {
  submission: PresentedSubmission;
  viewer: AnalysisViewer;
  competition: { id: string; slug: string; title: string };
  /** The dataset version the entry was scored against. */
  version: { id: string; number: number; contentPrefix: string | null } | null;
  /** Teams of a model-only competition never see gallery images (the gallery is hidden from them). */
  galleryHidden: boolean;
  /** …nor, before the reveal, the names of the gallery files their model listed. */
  galleryNamesHidden: boolean;
  state: { available: true; prepared: PreparedAnalysis; isPublic: Uint8Array } | { available: false; reason: string };
}

const UNAVAILABLE: Record<string, string> = {
  received: "This entry is not scored yet: its analysis appears here once it is.",
  queued: "This entry is waiting for the worker: its analysis appears here once it is scored.",
  running: "This entry is being scored: its analysis appears here once it is.",
  invalid: "This entry is invalid, so there is nothing to analyse: its validation errors are on the submission page.",
  failed: "Scoring this entry failed on our side (it does not count toward the quota), so there is nothing to analyse.",
  cancelled: "This entry was not scored (the quota was reached), so there is nothing to analyse.",
};

/**
 * Why a team may not see its analysis yet under the competition's `teamAnalysis` setting, or null. Per-query
 * outcomes label the public split far faster than scores do, so by default teams get them once the contest ended.
 */
export function teamAnalysisRefusal(competition: { teamAnalysis: "OFF" | "AFTER_END" | "DURING"; endsAt: Date | null; revealedAt: Date | null; timeZone: string }, now: Date): string | null {
  if (competition.teamAnalysis === "DURING") return null;
  if (competition.teamAnalysis === "OFF") return "The organizers of this competition do not show teams a visual analysis of their entries.";
  if (competition.revealedAt || (competition.endsAt && now >= competition.endsAt)) return null;
  return `The visual analysis opens to teams when the competition ends${competition.endsAt ? ` (${formatTime(competition.endsAt, competition.timeZone)})` : " (or the organizers reveal the private leaderboard)"}.`;
}

export async function loadAnalysisContext(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, id: string, now = new Date()): Promise<AnalysisContext> {
  // Authorizes first: NOT_FOUND/FORBIDDEN for anyone but the entry's team and the organizers.
  const submission = await getSubmissionForActor(prisma, actor, slug, id);
  const competition = await getCompetitionOrThrow(prisma, slug);
  const role = await competitionRoleOf(prisma, actor, competition.id);
  const viewer: AnalysisViewer = role === "admin" || role === "organizer" ? "organizer" : "team";
  const row = await prisma.submission.findUniqueOrThrow({
    where: { id },
    select: { kind: true, status: true, storageKey: true, resultsKey: true, datasetVersionId: true, finishedAt: true },
  });
  const versionId = row.datasetVersionId ?? competition.activeDatasetVersionId;
  const version = versionId ? await prisma.datasetVersion.findUnique({ where: { id: versionId }, select: { id: true, number: true, contentPrefix: true, truthKey: true } }) : null;
  const base = {
    submission,
    viewer,
    competition: { id: competition.id, slug: competition.slug, title: competition.title },
    version: version && { id: version.id, number: version.number, contentPrefix: version.contentPrefix },
    galleryHidden: viewer === "team" && !competition.submissionKinds.includes("RESULTS"),
    galleryNamesHidden: viewer === "team" && !competition.submissionKinds.includes("RESULTS") && !competition.revealedAt,
  };
  const unavailable = (reason: string): AnalysisContext => ({ ...base, state: { available: false, reason } });

  const refusal = viewer === "team" ? teamAnalysisRefusal(competition, now) : null;
  if (refusal) return unavailable(refusal);

  if (row.status !== "SCORED") return unavailable(UNAVAILABLE[row.status.toLowerCase()] ?? "There is nothing to analyse for this entry.");
  const key = row.kind === "RESULTS" ? row.storageKey : row.resultsKey;
  if (!key) return unavailable("The model's generated top-10 file is missing, so there is nothing to analyse.");
  if (!version?.truthKey) return unavailable("The dataset version this entry was scored against is no longer available.");

  const index = await scoringIndexFor(store, version.id, async () => version.truthKey);
  const prepared = await preparedAnalysisFor(`${id}\u0000${version.id}\u0000${row.finishedAt?.getTime() ?? 0}`, async () => {
    const parsed = parseResults(await store.get(key));
    if (!parsed.ok) throw new AppError("INTERNAL", `the stored file of submission ${id} cannot be read: ${parsed.error[0]?.message ?? "invalid"}`);
    return prepareVisualAnalysis(index, parsed.value.entries);
  });
  const isPublic = publicQueriesOf(index, { seed: competition.splitSeed, publicFraction: competition.publicFraction });
  return { ...base, state: { available: true, prepared, isPublic } };
}
