import { z } from "zod";

// How a visual analysis is viewed: sort order, filter and page. One schema for the page's search parameters, the
// image route and the tests; anything unknown falls back to the default instead of failing the page.

export const ANALYSIS_SORTS = ["name", "best", "worst"] as const;
export const ANALYSIS_FILTERS = ["all", "hit1", "missed"] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export type AnalysisSort = (typeof ANALYSIS_SORTS)[number];
export type AnalysisFilter = (typeof ANALYSIS_FILTERS)[number];
export type AnalysisViewer = "organizer" | "team";

export const SORT_LABELS: Record<AnalysisSort, string> = { name: "Query name", best: "Best first-hit rank first", worst: "Misses and worst ranks first" };
export const FILTER_LABELS: Record<AnalysisFilter, string> = { all: "All", hit1: "Hit at 1", missed: "Missed" };

export const analysisOptionsSchema = z.object({
  sort: z.enum(ANALYSIS_SORTS).catch("name"),
  filter: z.enum(ANALYSIS_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).catch(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).catch(DEFAULT_PAGE_SIZE),
});

export type AnalysisOptions = z.infer<typeof analysisOptionsSchema>;

/** Reads the options from search parameters (a page's `searchParams` or a URL's), ignoring anything else. */
export function parseAnalysisOptions(params: Record<string, string | string[] | undefined>): AnalysisOptions {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return analysisOptionsSchema.parse({ sort: first(params.sort), filter: first(params.filter), page: first(params.page), pageSize: first(params.pageSize) });
}

/** Which image of an analysis: a query or a gallery file, by its name in the dataset. */
export const analysisImageSchema = z.object({
  set: z.enum(["query", "gallery"]),
  name: z.string().min(1).max(300),
});

export type AnalysisImageRequest = z.infer<typeof analysisImageSchema>;
