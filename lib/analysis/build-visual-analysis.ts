import { buildScoringIndex } from "../scoring/scoring-index";
import { publicQueriesOf } from "../scoring/score-submission";
import type { SplitSettings } from "../scoring/split-queries";
import { DEFAULT_PAGE_SIZE, type AnalysisFilter, type AnalysisSort, type AnalysisViewer } from "./analysis-options";
import { SHOWN_ENTRIES, galleryNameOf, prepareVisualAnalysis, type PreparedAnalysis } from "./prepare-visual-analysis";

// One page of a submission's visual analysis as a viewer may see it. Organizers see every query of the dataset;
// a team sees the evaluated queries of the public split only — a private query never appears, not by name, not in
// a count, not as a gap in the numbering — and never the ground truth beyond the hits among its own top 10.

export interface AnalysisEntry {
  /** 1-based rank in the submitted list. */
  rank: number;
  name: string;
  /** True when this gallery file is a correct match for the query. */
  hit: boolean;
}

export interface AnalysisRow {
  /** 1-based position among the rows that pass the filter, in the chosen order. */
  position: number;
  query: string;
  /** Rank of the first correct entry in the whole submitted list, or null when there is none. */
  firstHitRank: number | null;
  /** False when the submission leaves the query out (it then scores 0). */
  submitted: boolean;
  /** The submitted top 10. */
  entries: AnalysisEntry[];
  /** Organizers only: which split the query belongs to. */
  split?: "public" | "private" | "not evaluated";
  /** Organizers only: the correct gallery files (the first three) and how many there are. */
  matches?: { names: string[]; count: number };
}

export interface AnalysisSummary {
  /** Queries the viewer sees (for a team: the public queries). */
  queries: number;
  /** Of those, queries with a ground-truth match (the scored ones). */
  evaluated: number;
  /** Evaluated queries with a correct entry within the first k, for k = 1, 5, 10. */
  hits: Record<"1" | "5" | "10", number>;
  /** Evaluated queries without any correct entry in their list (left out ones included). */
  missed: number;
  /** Evaluated queries the submission leaves out. */
  notSubmitted: number;
  /** firstHit[r] for r = 1..10: evaluated queries whose first correct entry is at rank r; firstHit[0] = missed. */
  firstHit: number[];
  /** Evaluated queries whose first correct entry comes after the shown top 10 (longer lists only). */
  laterHits: number;
  /** Organizers only: how the queries divide into the splits. */
  splits?: { public: number; private: number; notEvaluated: number };
}

export interface VisualAnalysis {
  viewer: AnalysisViewer;
  sort: AnalysisSort;
  filter: AnalysisFilter;
  page: number;
  pageSize: number;
  pageCount: number;
  /** Rows that pass the filter, over all pages. */
  matching: number;
  summary: AnalysisSummary;
  rows: AnalysisRow[];
}

export interface ViewOptions {
  viewer: AnalysisViewer;
  /** Model-only competitions before the reveal: the team's top 10 is shown without the hidden gallery's names. */
  hideGalleryNames?: boolean;
  sort?: AnalysisSort;
  filter?: AnalysisFilter;
  page?: number;
  pageSize?: number;
}

/** Whether the viewer may see query q: organizers every query, teams the evaluated public ones. */
function visibleTo(prepared: PreparedAnalysis, isPublic: Uint8Array, viewer: AnalysisViewer, q: number): boolean {
  if (viewer === "organizer") return true;
  const slot = prepared.index.evaluatedSlot[q]!;
  return slot >= 0 && isPublic[slot] === 1;
}

function sortKey(prepared: PreparedAnalysis, sort: AnalysisSort, q: number): number {
  if (sort === "name") return 0;
  if (prepared.index.evaluatedSlot[q]! < 0) return 100_000; // not evaluated: last
  const rank = prepared.firstHitRank[q]!;
  if (sort === "best") return rank > 0 ? rank : 90_000;
  return rank > 0 ? 70_000 - rank : 0; // worst: misses first, then the latest first hits
}

function passes(prepared: PreparedAnalysis, filter: AnalysisFilter, q: number): boolean {
  if (filter === "all") return true;
  if (prepared.index.evaluatedSlot[q]! < 0) return false;
  const rank = prepared.firstHitRank[q]!;
  return filter === "hit1" ? rank === 1 : rank === 0;
}

function summarize(prepared: PreparedAnalysis, isPublic: Uint8Array, viewer: AnalysisViewer, visible: Uint32Array): AnalysisSummary {
  const firstHit = new Array<number>(SHOWN_ENTRIES + 1).fill(0);
  const hits = { "1": 0, "5": 0, "10": 0 };
  let evaluated = 0;
  let notSubmitted = 0;
  let laterHits = 0;
  const splits = { public: 0, private: 0, notEvaluated: 0 };
  for (const q of visible) {
    const slot = prepared.index.evaluatedSlot[q]!;
    if (slot < 0) {
      splits.notEvaluated++;
      continue;
    }
    if (isPublic[slot] === 1) splits.public++;
    else splits.private++;
    evaluated++;
    if (prepared.submitted[q] === 0) notSubmitted++;
    const rank = prepared.firstHitRank[q]!;
    if (rank > SHOWN_ENTRIES) laterHits++;
    else firstHit[rank]!++;
    if (rank === 1) hits["1"]++;
    if (rank >= 1 && rank <= 5) hits["5"]++;
    if (rank >= 1 && rank <= 10) hits["10"]++;
  }
  const summary: AnalysisSummary = { queries: visible.length, evaluated, hits, missed: firstHit[0]!, notSubmitted, firstHit, laterHits };
  return viewer === "organizer" ? { ...summary, splits } : summary;
}

/** What a hidden gallery file is called where its name may not be shown. */
export const HIDDEN_GALLERY_NAME = "(hidden gallery file)";

function rowOf(prepared: PreparedAnalysis, isPublic: Uint8Array, viewer: AnalysisViewer, q: number, position: number, hideGalleryNames = false): AnalysisRow {
  const { index } = prepared;
  const entries: AnalysisEntry[] = [];
  for (let j = 0; j < SHOWN_ENTRIES; j++) {
    const id = prepared.lists[q * SHOWN_ENTRIES + j]!;
    if (id === -1) break;
    entries.push({ rank: j + 1, name: hideGalleryNames && viewer !== "organizer" ? HIDDEN_GALLERY_NAME : galleryNameOf(prepared, id), hit: prepared.hits[q * SHOWN_ENTRIES + j] === 1 });
  }
  const rank = prepared.firstHitRank[q]!;
  const row: AnalysisRow = { position, query: index.queryNames[q]!, firstHitRank: rank > 0 ? rank : null, submitted: prepared.submitted[q] === 1, entries };
  if (viewer === "organizer") {
    const slot = index.evaluatedSlot[q]!;
    row.split = slot < 0 ? "not evaluated" : isPublic[slot] === 1 ? "public" : "private";
    if (slot >= 0) {
      const from = index.truthStart[slot]!;
      const to = index.truthStart[slot + 1]!;
      const names: string[] = [];
      for (let t = from; t < Math.min(to, from + 3); t++) names.push(index.galleryNames[index.truthIds[t]!]!);
      row.matches = { names, count: to - from };
    }
  }
  return row;
}

/**
 * One page of the analysis. `isPublic` holds the public flags of the index's evaluated queries (publicQueriesOf
 * with the competition's split, so exactly the split the scores use).
 */
export function viewVisualAnalysis(prepared: PreparedAnalysis, isPublic: Uint8Array, options: ViewOptions): VisualAnalysis {
  const { viewer } = options;
  const sort = options.sort ?? "name";
  const filter = options.filter ?? "all";
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE));
  const n = prepared.index.queryCount;

  const visibleList: number[] = [];
  for (let q = 0; q < n; q++) if (visibleTo(prepared, isPublic, viewer, q)) visibleList.push(q);
  const visible = Uint32Array.from(visibleList);
  const summary = summarize(prepared, isPublic, viewer, visible);

  const chosen = visible.filter((q) => passes(prepared, filter, q));
  if (sort !== "name") {
    const keys = new Int32Array(n);
    for (const q of chosen) keys[q] = sortKey(prepared, sort, q);
    chosen.sort((a, b) => keys[a]! - keys[b]! || a - b);
  }
  const pageCount = Math.max(1, Math.ceil(chosen.length / pageSize));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  const from = (page - 1) * pageSize;
  const rows: AnalysisRow[] = [];
  for (let i = from; i < Math.min(chosen.length, from + pageSize); i++) rows.push(rowOf(prepared, isPublic, viewer, chosen[i]!, i + 1, options.hideGalleryNames));
  return { viewer, sort, filter, page, pageSize, pageCount, matching: chosen.length, summary, rows };
}

export interface VisualAnalysisInput extends ViewOptions {
  /** The submitted lists: query → ranked gallery files. */
  results: Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>;
  /** Ground truth: query → matching gallery files (queries without a match are not evaluated). */
  truth: Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>;
  /** Every query of the dataset (default: the truth's and the results' queries, sorted). */
  queries?: readonly string[];
  /** Every gallery file, when known. */
  gallery?: readonly string[] | null;
  /** The public queries; without them the split is computed from `split` (and without that, every query is public). */
  publicQueries?: ReadonlySet<string>;
  split?: SplitSettings;
}

const entriesOf = <T>(value: Readonly<Record<string, T>> | ReadonlyMap<string, T>): [string, T][] => (value instanceof Map ? [...value.entries()] : Object.entries(value));

/** The whole computation from plain data: prepare, then view one page. */
export function buildVisualAnalysis(input: VisualAnalysisInput): VisualAnalysis {
  const results = entriesOf(input.results);
  const truth = new Map(entriesOf(input.truth));
  const queries = input.queries ?? [...new Set([...truth.keys(), ...results.map(([query]) => query)])].sort();
  const built = buildScoringIndex({ queries, gallery: input.gallery ?? null, truth });
  if (!built.ok) throw new RangeError(`the dataset cannot be analysed: ${built.error[0]}`);
  const index = built.value;
  const prepared = prepareVisualAnalysis(
    index,
    results.map(([query, list]) => ({ query, list })),
  );
  const isPublic = input.publicQueries ? Uint8Array.from(index.evaluatedNames, (name) => (input.publicQueries!.has(name) ? 1 : 0)) : publicQueriesOf(index, input.split);
  return viewVisualAnalysis(prepared, isPublic, input);
}
