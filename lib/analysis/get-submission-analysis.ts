import type { Actor } from "../auth/actor";
import type { PodiumPrisma } from "../db/open-database";
import type { BlobStore } from "../storage/blob-store";
import type { AnalysisOptions } from "./analysis-options";
import { viewVisualAnalysis, type VisualAnalysis } from "./build-visual-analysis";
import { loadAnalysisContext, type AnalysisContext } from "./load-analysis-context";

export type SubmissionAnalysis = Omit<AnalysisContext, "state"> & ({ available: true; analysis: VisualAnalysis } | { available: false; reason: string });

/**
 * One page of a submission's visual analysis for its team (public queries only) or the organizers (every query).
 * The submission's scores come as the submission page shows them: private numbers only once revealed.
 */
export async function getSubmissionAnalysis(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, id: string, options: AnalysisOptions): Promise<SubmissionAnalysis> {
  const { state, ...context } = await loadAnalysisContext(prisma, store, actor, slug, id);
  if (!state.available) return { ...context, available: false, reason: state.reason };
  return { ...context, available: true, analysis: viewVisualAnalysis(state.prepared, state.isPublic, { viewer: context.viewer, hideGalleryNames: context.galleryNamesHidden, ...options }) };
}
