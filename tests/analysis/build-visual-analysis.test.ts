import { describe, expect, it } from "vitest";
import { buildVisualAnalysis, viewVisualAnalysis } from "../../lib/analysis/build-visual-analysis";
import { galleryIdsShownTo, imageVisibleTo } from "../../lib/analysis/image-visible-to";
import { parseAnalysisOptions } from "../../lib/analysis/analysis-options";
import { prepareVisualAnalysis } from "../../lib/analysis/prepare-visual-analysis";
import { buildScoringIndex, publicQueriesOf, scoreSubmission, splitQueries } from "../../lib/scoring";

// The pure core of the visual analysis: hits and first-hit ranks, sort orders, filters, pages — and what a team's
// view leaves out.

const pad = (i: number) => String(i).padStart(4, "0");
/** Names that are never substrings of one another, so "not in the JSON" checks are exact. */
const queryName = (i: number) => `query-${pad(i)}.jpg`;
const galleryName = (i: number) => `gallery-${pad(i)}.jpg`;

/** n queries, query i matching gallery i; the list of query i puts its match at ranks[i % ranks.length] (0: absent). */
function contest(n: number, ranks: number[]) {
  const queries = Array.from({ length: n }, (_, i) => queryName(i));
  const gallery = Array.from({ length: n + 10 }, (_, i) => galleryName(i));
  const truth = Object.fromEntries(queries.map((query, i) => [query, [galleryName(i)]]));
  const results = Object.fromEntries(
    queries.map((query, i) => {
      const rank = ranks[i % ranks.length]!;
      const list = Array.from({ length: 10 }, (_, j) => galleryName(n + j)); // ten wrong answers
      if (rank > 0) list[rank - 1] = galleryName(i);
      return [query, list];
    }),
  );
  return { queries, gallery, truth, results };
}

describe("buildVisualAnalysis", () => {
  it("marks hits and finds first-hit ranks", () => {
    const { queries, gallery, truth, results } = contest(4, [1, 3, 8, 0]);
    const analysis = buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer" });
    expect(analysis.rows.map((row) => [row.query, row.firstHitRank])).toEqual([
      [queryName(0), 1],
      [queryName(1), 3],
      [queryName(2), 8],
      [queryName(3), null],
    ]);
    const second = analysis.rows[1]!;
    expect(second.entries).toHaveLength(10);
    expect(second.entries.filter((entry) => entry.hit)).toEqual([{ rank: 3, name: galleryName(1), hit: true }]);
    expect(analysis.rows[3]!.entries.every((entry) => !entry.hit)).toBe(true);
    expect(analysis.summary).toMatchObject({ queries: 4, evaluated: 4, hits: { "1": 1, "5": 2, "10": 3 }, missed: 1, notSubmitted: 0 });
    expect(analysis.summary.firstHit).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it("finds a later first hit even when a query has several matches, and counts queries left out", () => {
    const truth = { a: ["x", "y"], b: ["z"], c: ["x"] };
    const analysis = buildVisualAnalysis({ results: { a: ["w", "y", "x"], b: ["w"] }, truth, gallery: ["w", "x", "y", "z"], viewer: "organizer" });
    const byQuery = Object.fromEntries(analysis.rows.map((row) => [row.query, row]));
    expect(byQuery.a!.firstHitRank).toBe(2);
    expect(byQuery.a!.entries.map((entry) => entry.hit)).toEqual([false, true, true]);
    expect(byQuery.a!.matches).toEqual({ names: ["x", "y"], count: 2 });
    expect(byQuery.b!.firstHitRank).toBeNull();
    expect(byQuery.c).toMatchObject({ submitted: false, firstHitRank: null, entries: [] });
    expect(analysis.summary).toMatchObject({ missed: 2, notSubmitted: 1 });
  });

  it("sorts by first-hit rank, best or worst first, ties in name order", () => {
    const { queries, gallery, truth, results } = contest(6, [5, 0, 1, 5, 2, 0]);
    const order = (sort: "name" | "best" | "worst") => buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer", sort }).rows.map((row) => row.query);
    expect(order("name")).toEqual(queries);
    expect(order("best")).toEqual([2, 4, 0, 3, 1, 5].map(queryName));
    expect(order("worst")).toEqual([1, 5, 0, 3, 4, 2].map(queryName));
    const positions = buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer", sort: "best" }).rows.map((row) => row.position);
    expect(positions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("filters to hits at 1 or to misses", () => {
    const { queries, gallery, truth, results } = contest(6, [5, 0, 1, 5, 1, 0]);
    const rows = (filter: "all" | "hit1" | "missed") => buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer", filter });
    expect(rows("hit1").rows.map((row) => row.query)).toEqual([queryName(2), queryName(4)]);
    expect(rows("missed").rows.map((row) => row.query)).toEqual([queryName(1), queryName(5)]);
    expect(rows("missed").matching).toBe(2);
    // The summary describes every query the viewer sees, whatever the filter.
    expect(rows("missed").summary.queries).toBe(6);
  });

  it("pages through many queries and clamps a page past the end", () => {
    const { queries, gallery, truth, results } = contest(123, [1, 2, 0]);
    const first = buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer", pageSize: 50 });
    expect(first).toMatchObject({ page: 1, pageCount: 3, matching: 123 });
    expect(first.rows).toHaveLength(50);
    const last = buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer", pageSize: 50, page: 3 });
    expect(last.rows.map((row) => row.position)).toEqual(Array.from({ length: 23 }, (_, i) => 101 + i));
    expect(buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer", pageSize: 50, page: 99 }).page).toBe(3);
    const missed = buildVisualAnalysis({ results, truth, queries, gallery, viewer: "organizer", pageSize: 10, filter: "missed", page: 2 });
    expect(missed).toMatchObject({ matching: 41, pageCount: 5 });
    expect(missed.rows[0]!.position).toBe(11);
  });

  it("shows a team only the public queries of the seeded split, and nothing of the private ones", () => {
    const { queries, gallery, truth, results } = contest(40, [1, 2, 0, 7]);
    const split = { publicFraction: 0.5, seed: "seven" };
    const isPublic = splitQueries(queries, split);
    const publicNames = queries.filter((_, i) => isPublic[i] === 1);
    const privateNames = queries.filter((_, i) => isPublic[i] === 0);
    expect(publicNames).toHaveLength(20);

    const team = buildVisualAnalysis({ results, truth, queries, gallery, split, viewer: "team", pageSize: 200 });
    expect(team.rows.map((row) => row.query)).toEqual(publicNames);
    expect(team.summary.queries).toBe(20);
    expect(team.summary).not.toHaveProperty("splits");
    expect(team.rows.every((row) => row.split === undefined && row.matches === undefined)).toBe(true);
    // Positions run 1..20 without gaps: nothing hints where private queries sit.
    expect(team.rows.map((row) => row.position)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const text = JSON.stringify(team);
    for (const name of privateNames) expect(text).not.toContain(name);
    // Nor through the gallery: the matches of private queries appear only where a public list names them.
    for (const i of queries.keys()) if (isPublic[i] === 0) expect(text).not.toContain(galleryName(i));
    for (const filter of ["hit1", "missed"] as const) {
      for (const sort of ["best", "worst"] as const) {
        const view = JSON.stringify(buildVisualAnalysis({ results, truth, queries, gallery, split, viewer: "team", filter, sort, pageSize: 200 }));
        for (const name of privateNames) expect(view).not.toContain(name);
      }
    }

    const organizer = buildVisualAnalysis({ results, truth, queries, gallery, split, viewer: "organizer", pageSize: 200 });
    expect(organizer.rows.map((row) => row.query)).toEqual(queries);
    expect(organizer.summary.splits).toEqual({ public: 20, private: 20, notEvaluated: 0 });
    expect(organizer.rows.filter((row) => row.split === "private").map((row) => row.query)).toEqual(privateNames);
  });

  it("agrees with the scorer on the public split's hit@k and query count", () => {
    const { queries, gallery, truth, results } = contest(200, [1, 4, 0, 9, 2, 0, 6]);
    const split = { publicFraction: 0.3, seed: 11 };
    const index = buildScoringIndex({ queries, gallery, truth: new Map(Object.entries(truth)) });
    if (!index.ok) throw new Error(index.error.join());
    const scored = scoreSubmission(JSON.stringify(results), index.value, { split });
    if (!scored.ok) throw new Error(JSON.stringify(scored.error));
    const { summary } = buildVisualAnalysis({ results, truth, queries, gallery, split, viewer: "team" });
    const score = scored.value.splits.public;
    expect(summary.evaluated).toBe(score.evaluated);
    for (const k of ["1", "5", "10"] as const) expect(summary.hits[k] / summary.evaluated).toBeCloseTo(score.hit[k]!, 12);
  });

  it("leaves queries without a match out of a team's view and marks them for organizers", () => {
    const analysis = (viewer: "team" | "organizer") =>
      buildVisualAnalysis({ results: { a: ["x"], lonely: ["x"] }, truth: { a: ["x"] }, queries: ["a", "lonely"], gallery: ["x"], viewer });
    expect(analysis("team").rows.map((row) => row.query)).toEqual(["a"]);
    const organizer = analysis("organizer");
    expect(organizer.rows.map((row) => [row.query, row.split])).toEqual([
      ["a", "public"],
      ["lonely", "not evaluated"],
    ]);
    expect(organizer.summary.splits).toEqual({ public: 1, private: 0, notEvaluated: 1 });
    expect(buildVisualAnalysis({ results: { a: ["x"], lonely: ["x"] }, truth: { a: ["x"] }, queries: ["a", "lonely"], gallery: ["x"], viewer: "organizer", filter: "missed" }).rows).toEqual([]);
  });

  it("takes the public queries as a set", () => {
    const { queries, gallery, truth, results } = contest(5, [1]);
    const team = buildVisualAnalysis({ results, truth, queries, gallery, publicQueries: new Set([queryName(3), queryName(1)]), viewer: "team" });
    expect(team.rows.map((row) => row.query)).toEqual([queryName(1), queryName(3)]);
  });

  it("keeps a 100,000-query entry to one page of rows", () => {
    const { queries, gallery, truth, results } = contest(100_000, [1, 3, 0, 10, 2]);
    const analysis = buildVisualAnalysis({ results, truth, queries, gallery, viewer: "team", split: { publicFraction: 0.5, seed: 1 }, sort: "worst", page: 7 });
    expect(analysis.rows).toHaveLength(50);
    expect(analysis.summary.queries).toBe(50_000);
    expect(analysis.pageCount).toBe(1000);
  });
});

describe("imageVisibleTo", () => {
  const { queries, gallery, truth } = contest(10, [1]);
  // Query 0's list names gallery-0010, query 1's names gallery-0011: one public query, one private.
  const results = Object.fromEntries(queries.map((query, i) => [query, [galleryName(i), galleryName(10 + i)]]));
  const built = buildScoringIndex({ queries, gallery, truth: new Map(Object.entries(truth)) });
  if (!built.ok) throw new Error(built.error.join());
  const index = built.value;
  const prepared = prepareVisualAnalysis(
    index,
    Object.entries(results).map(([query, list]) => ({ query, list })),
  );
  const isPublic = publicQueriesOf(index, { publicFraction: 0.5, seed: "images" });
  const publicQuery = queries.findIndex((_, i) => isPublic[index.evaluatedSlot[i]!] === 1);
  const privateQuery = queries.findIndex((_, i) => isPublic[index.evaluatedSlot[i]!] === 0);

  it("lets a team see its public queries and the gallery files its top 10 lists for them — nothing else", () => {
    const visible = (set: "query" | "gallery", name: string, galleryHidden = false) => imageVisibleTo(prepared, isPublic, "team", { set, name }, { galleryHidden });
    expect(visible("query", queryName(publicQuery))).toBe(true);
    expect(visible("query", queryName(privateQuery))).toBe(false);
    expect(visible("gallery", galleryName(publicQuery))).toBe(true);
    expect(visible("gallery", galleryName(10 + publicQuery))).toBe(true);
    expect(visible("gallery", galleryName(privateQuery))).toBe(false);
    expect(visible("gallery", galleryName(10 + privateQuery))).toBe(false);
    expect(visible("gallery", galleryName(19 + 1))).toBe(false);
    expect(visible("query", "../hidden/truth.json")).toBe(false);
    expect(visible("gallery", galleryName(publicQuery), true)).toBe(false);
    expect(galleryIdsShownTo(prepared, isPublic)).toBe(galleryIdsShownTo(prepared, isPublic));
  });

  it("lets organizers see every image of the dataset, and only those", () => {
    const visible = (set: "query" | "gallery", name: string) => imageVisibleTo(prepared, isPublic, "organizer", { set, name }, { galleryHidden: true });
    expect(visible("query", queryName(privateQuery))).toBe(true);
    expect(visible("gallery", galleryName(19))).toBe(true);
    expect(visible("gallery", "not-in-the-dataset.jpg")).toBe(false);
  });
});

describe("parseAnalysisOptions", () => {
  it("falls back to defaults for anything it does not understand", () => {
    expect(parseAnalysisOptions({})).toEqual({ sort: "name", filter: "all", page: 1, pageSize: 50 });
    expect(parseAnalysisOptions({ sort: "worst", filter: "missed", page: "3", pageSize: "20" })).toEqual({ sort: "worst", filter: "missed", page: 3, pageSize: 20 });
    expect(parseAnalysisOptions({ sort: "sideways", filter: ["hit1", "all"], page: "-2", pageSize: "100000" })).toEqual({ sort: "name", filter: "hit1", page: 1, pageSize: 50 });
  });

  it("views a prepared analysis with the defaults", () => {
    const built = buildScoringIndex({ queries: ["a"], gallery: ["x"], truth: new Map([["a", ["x"]]]) });
    if (!built.ok) throw new Error();
    const prepared = prepareVisualAnalysis(built.value, [{ query: "a", list: ["x"] }]);
    expect(viewVisualAnalysis(prepared, new Uint8Array([1]), { viewer: "team" })).toMatchObject({ sort: "name", filter: "all", page: 1, pageSize: 50, rows: [{ query: "a", firstHitRank: 1 }] });
  });
});
