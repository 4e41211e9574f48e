import { describe, expect, it } from "vitest";
import { buildScoringIndex, parseWeights, scoreSubmission, splitQueries, type ScoringDataset } from "./index";

function dataset(queries: number, gallery: number): ScoringDataset {
  const q = Array.from({ length: queries }, (_, i) => `q${i}.jpg`);
  const g = Array.from({ length: gallery }, (_, i) => `g${i}.jpg`);
  return { queries: q, gallery: g, truth: new Map(q.map((name, i) => [name, [`g${i}.jpg`]])) };
}

function indexOf(data: ScoringDataset) {
  const built = buildScoringIndex(data);
  if (!built.ok) throw new Error(built.error.join("\n"));
  return built.value;
}

/** A list of 10 gallery files for query i whose first correct entry is at `rank` (0: none). */
function listWithHitAt(i: number, rank: number, galleryCount: number): string[] {
  const wrong = Array.from({ length: Math.min(11, galleryCount) }, (_, g) => `g${g}.jpg`).filter((name) => name !== `g${i}.jpg`);
  const list = wrong.slice(0, 10);
  if (rank > 0) list[rank - 1] = `g${i}.jpg`;
  return list;
}

function scoreOk(text: string, data: ScoringDataset, rules = {}) {
  const result = scoreSubmission(text, indexOf(data), rules);
  if (!result.ok) throw new Error(result.error.map((e) => e.message).join("\n"));
  return result.value;
}

describe("scoreSubmission", () => {
  it("gives 375.00 for the worked example of PRODUCT.md (first correct rank 1, 3, 8, none)", () => {
    const data = dataset(4, 20);
    const ranks = [1, 3, 8, 0];
    const file = Object.fromEntries(ranks.map((rank, i) => [`q${i}.jpg`, listWithHitAt(i, rank, 20)]));
    const scored = scoreOk(JSON.stringify(file), data);
    expect(scored.splits.all.score).toBe(375);
    expect(scored.splits.all.hit).toEqual({ "1": 0.25, "5": 0.5, "10": 0.75 });
    expect(scored.splits.all.evaluated).toBe(4);
    expect(Array.from(scored.firstHitRank)).toEqual([1, 3, 8, 0]);
  });

  it("gives 1000 when every first answer is correct and 0 when nothing is", () => {
    const data = dataset(30, 60);
    const perfect = Object.fromEntries(data.queries.map((q, i) => [q, listWithHitAt(i, 1, 60)]));
    const none = Object.fromEntries(data.queries.map((q, i) => [q, listWithHitAt(i, 0, 60)]));
    const best = scoreOk(JSON.stringify(perfect), data).splits.all;
    const worst = scoreOk(JSON.stringify(none), data).splits.all;
    expect(best.score).toBe(1000);
    expect(best.ci95).toEqual([1000, 1000]);
    expect(worst.score).toBe(0);
    expect(worst.hit).toEqual({ "1": 0, "5": 0, "10": 0 });
  });

  it("uses the configured weights and k's, cumulatively", () => {
    const data = dataset(4, 20);
    const file = Object.fromEntries([1, 3, 8, 0].map((rank, i) => [`q${i}.jpg`, listWithHitAt(i, rank, 20)]));
    const weights = parseWeights("1:100,3:10,10:1");
    expect(weights.ok).toBe(true);
    if (!weights.ok) return;
    const scored = scoreOk(JSON.stringify(file), data, { weights: weights.value });
    // ranks 1, 3, 8, none → 111, 11, 1, 0
    expect(scored.splits.all.score).toBeCloseTo((111 + 11 + 1 + 0) / 4, 12);
    expect(Object.keys(scored.splits.all.hit)).toEqual(["1", "3", "10"]);
  });

  it("reads all three formats and a UTF-8 BOM to the same score", () => {
    const data = dataset(3, 20);
    const map = Object.fromEntries([1, 2, 0].map((rank, i) => [`q${i}.jpg`, listWithHitAt(i, rank, 20)]));
    const legacy = { groupname: "team-a", images: map };
    const list = Object.entries(map).map(([query, gallery]) => ({ filename: `test/query/${query}`, gallery_images: gallery.map((g) => `test/gallery/${g}`) }));
    const scores = [JSON.stringify(map), JSON.stringify(legacy), JSON.stringify(list), `\uFEFF${JSON.stringify(map)}`].map((text) => scoreOk(text, data));
    expect(new Set(scores.map((s) => s.splits.all.score)).size).toBe(1);
    expect(scores.map((s) => s.format)).toEqual(["plain-map", "legacy-body", "filename-list", "plain-map"]);
    expect(scores[1]!.groupname).toBe("team-a");
  });

  it("scores missing queries as 0 when partial submissions are allowed", () => {
    const data = dataset(4, 20);
    const file = { "q0.jpg": listWithHitAt(0, 1, 20) };
    const scored = scoreOk(JSON.stringify(file), data, { allowPartial: true });
    expect(scored.splits.all.score).toBe(250);
    expect(scored.splits.all.missing).toBe(3);
  });

  it("evaluates only queries with a non-empty ground truth", () => {
    const data = dataset(3, 20);
    const truth = new Map(data.truth);
    truth.set("q2.jpg", []);
    const scored = scoreOk(JSON.stringify(Object.fromEntries(data.queries.map((q, i) => [q, listWithHitAt(i, 1, 20)]))), { ...data, truth });
    expect(scored.splits.all.evaluated).toBe(2);
    expect(scored.splits.all.score).toBe(1000);
  });

  it("splits public and private queries so their weighted mean is the overall score", () => {
    const data = dataset(200, 300);
    const file = Object.fromEntries(data.queries.map((q, i) => [q, listWithHitAt(i, [1, 2, 6, 0][i % 4]!, 300)]));
    const scored = scoreOk(JSON.stringify(file), data, { split: { seed: "7", publicFraction: 0.3 } });
    const { all, public: pub, private: priv } = scored.splits;
    expect(pub.evaluated).toBe(60);
    expect(priv.evaluated).toBe(140);
    expect((pub.score * pub.evaluated + priv.score * priv.evaluated) / all.evaluated).toBeCloseTo(all.score, 9);
  });

  it("gives a seeded interval: identical on repeat, containing the score, narrower with more queries", () => {
    const small = dataset(40, 60);
    const large = dataset(4000, 4100);
    const fileOf = (data: ScoringDataset, n: number) =>
      JSON.stringify(Object.fromEntries(data.queries.map((q, i) => [q, listWithHitAt(i, [1, 3, 8, 0][i % 4]!, n)])));
    const a = scoreOk(fileOf(small, 60), small).splits.all;
    const b = scoreOk(fileOf(small, 60), small).splits.all;
    const c = scoreOk(fileOf(large, 4100), large).splits.all;
    expect(a.ci95).toEqual(b.ci95);
    for (const s of [a, c]) {
      expect(s.ci95[0]).toBeLessThanOrEqual(s.score);
      expect(s.ci95[1]).toBeGreaterThanOrEqual(s.score);
    }
    expect(c.score).toBe(375);
    expect(c.ci95[1] - c.ci95[0]).toBeLessThan((a.ci95[1] - a.ci95[0]) / 5);
  });
});

describe("splitQueries", () => {
  const names = Array.from({ length: 1000 }, (_, i) => `${(i * 2654435761) % 4294967296}.jpg`);

  it("gives the same split for the same seed and names in any order", () => {
    const first = splitQueries(names, { seed: "s1", publicFraction: 0.4 });
    const shuffled = [...names].reverse();
    const second = splitQueries(shuffled, { seed: "s1", publicFraction: 0.4 });
    const publicA = names.filter((_, i) => first[i] === 1).sort();
    const publicB = shuffled.filter((_, i) => second[i] === 1).sort();
    expect(publicA).toEqual(publicB);
    expect(publicA.length).toBe(400);
  });

  it("gives a different split for a different seed", () => {
    const a = splitQueries(names, { seed: "1", publicFraction: 0.5 });
    const b = splitQueries(names, { seed: "2", publicFraction: 0.5 });
    let same = 0;
    for (let i = 0; i < names.length; i++) if (a[i] === b[i]) same++;
    expect(same).toBeGreaterThan(400);
    expect(same).toBeLessThan(600);
  });

  it("rejects a fraction outside 0..1", () => {
    expect(() => splitQueries(names, { seed: 1, publicFraction: 1.5 })).toThrow(/between 0 and 1/);
  });
});
