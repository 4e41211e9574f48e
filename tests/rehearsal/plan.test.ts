import { describe, expect, it } from "vitest";
import { DOORS, pickTimeZone, planRehearsal, REHEARSAL_DEFAULTS } from "../../cli/rehearsal/plan";
import { invalidResultsBytes, skilledResults } from "../../cli/rehearsal/results-files";
import { buildScoringIndex, scoreSubmission } from "../../lib/scoring";

describe("a rehearsal's plan", () => {
  const plan = planRehearsal(REHEARSAL_DEFAULTS);

  it("is the same for the same seed and differs for another", () => {
    expect(planRehearsal(REHEARSAL_DEFAULTS)).toEqual(plan);
    expect(planRehearsal({ ...REHEARSAL_DEFAULTS, seed: "other" }).teams.map((team) => team.skill)).not.toEqual(plan.teams.map((team) => team.skill));
  });

  it("uses every door, a burst from every team in the last 10 %, the limit, invalid files, models and finals", () => {
    const actions = plan.teams.flatMap((team) => team.actions);
    const duration = REHEARSAL_DEFAULTS.durationSeconds;
    for (const door of DOORS) expect(actions.filter((action) => action.kind === "entry" && action.door === door).length).toBeGreaterThan(10);
    for (const team of plan.teams) {
      const entries = team.actions.filter((action) => action.kind === "entry" || action.kind === "model");
      // What a team means to have accepted fits the daily limit; the eager ones fill it and try once more.
      expect(entries).toHaveLength(team.acceptedTarget);
      expect(team.acceptedTarget).toBeLessThanOrEqual(plan.dailyLimit);
      expect(team.actions.some((action) => action.kind === "over-quota")).toBe(team.acceptedTarget === plan.dailyLimit);
      const bursts = team.actions.filter((action) => action.kind === "entry" && action.burst);
      expect(bursts.length).toBeGreaterThan(0);
      for (const burst of bursts) expect(burst.at).toBeGreaterThanOrEqual(0.9 * duration);
      for (const action of team.actions) expect(action.at).toBeLessThan(duration);
      // In time order, as the team plays them.
      expect(team.actions.map((action) => action.at)).toEqual([...team.actions.map((action) => action.at)].sort((a, b) => a - b));
    }
    expect(actions.filter((action) => action.kind === "model")).toHaveLength(REHEARSAL_DEFAULTS.models);
    expect(actions.filter((action) => action.kind === "invalid").length).toBeGreaterThanOrEqual(5);
    expect(actions.filter((action) => action.kind === "select-finals").length).toBe(15);
    // Only the end can refuse the teams that try after it: they have entries left.
    for (const { team } of plan.afterEnd) expect(plan.teams[team]!.acceptedTarget).toBeLessThan(plan.dailyLimit);
    expect(plan.afterEnd.map((attempt) => attempt.door)).toEqual(["web", "legacy", "cli"]);
  });

  it("picks a non-UTC zone in which the whole rehearsal is one calendar day", () => {
    for (let hour = 0; hour < 24; hour++) {
      const start = new Date(Date.UTC(2026, 11, 4, hour, 58));
      const zone = pickTimeZone(start, 3600, "seed");
      expect(zone).not.toBe("UTC");
      const day = (instant: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, dateStyle: "short" }).format(instant);
      expect(day(new Date(start.getTime() + 3600_000 + 1800_000))).toBe(day(start));
    }
  });
});

describe("a rehearsal's results files", () => {
  const dataset = {
    queries: Array.from({ length: 400 }, (_, i) => `q_${i}.jpg`),
    gallery: Array.from({ length: 800 }, (_, i) => `g_${i}.jpg`),
    truth: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`q_${i}.jpg`, [`g_${i}.jpg`, `g_${i + 400}.jpg`]])),
  };
  const built = buildScoringIndex({ queries: dataset.queries, gallery: dataset.gallery, truth: new Map(Object.entries(dataset.truth)) });
  if (!built.ok) throw new Error(built.error.join("; "));
  const score = (bytes: string | Uint8Array) => scoreSubmission(bytes, built.value);

  it("score higher with more skill, and differ from entry to entry", () => {
    const weak = score(JSON.stringify(skilledResults(dataset, 0.2, "a")));
    const strong = score(JSON.stringify(skilledResults(dataset, 0.8, "b")));
    expect(weak.ok && strong.ok).toBe(true);
    if (!weak.ok || !strong.ok) return;
    expect(strong.value.splits.all.hit["1"]).toBeGreaterThan(0.7);
    expect(weak.value.splits.all.hit["1"]).toBeLessThan(0.3);
    expect(JSON.stringify(skilledResults(dataset, 0.5, "c"))).not.toBe(JSON.stringify(skilledResults(dataset, 0.5, "d")));
  });

  it("makes invalid files that Podium refuses, each for its reason", () => {
    const results = skilledResults(dataset, 0.5, "e");
    const codes = (["unknown-gallery", "malformed-json", "missing-queries"] as const).map((problem) => {
      const scored = score(invalidResultsBytes(results, problem));
      return scored.ok ? "accepted" : scored.error[0]!.code;
    });
    expect(codes).toEqual(["UNKNOWN_GALLERY", "NOT_JSON", "MISSING_QUERIES"]);
  });
});

describe("results files on a small gallery", () => {
  it("always end: a filler that drew the right answer early does not stall the list", () => {
    const dataset = { queries: ["q.jpg"], gallery: Array.from({ length: 11 }, (_, i) => `g_${i}.jpg`), truth: { "q.jpg": ["g_0.jpg"] } };
    for (let seed = 0; seed < 200; seed++) expect(skilledResults(dataset, 0.1, String(seed))["q.jpg"]).toHaveLength(10);
  });
});
