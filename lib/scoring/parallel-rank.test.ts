import { afterAll, describe, expect, it } from "vitest";
import { PARALLEL_MIN_BYTES, RankWorker, findSplitComma, rankInParallel } from "./parallel-rank";
import { scanIndexOf, scanPart } from "./fast-rank";
import { buildScoringIndex, scoreSubmission, scoreSubmissionInParallel } from "./index";

// The two-thread path must give exactly what the one-thread path gives, and fall back whenever it cannot be sure.

const queries = Array.from({ length: 30_000 }, (_, i) => `query-${String(i).padStart(6, "0")}-abcdefghijklmnop.jpg`);
const gallery = [...Array.from({ length: 30_000 }, (_, i) => `gallery-${String(i).padStart(6, "0")}-abcdefghijklmnop.jpg`), "odd],"];
const built = buildScoringIndex({ queries, gallery, truth: new Map(queries.map((q, i) => [q, [gallery[i]!]])) });
if (!built.ok) throw new Error(built.error.join("\n"));
const index = built.value;
const encoder = new TextEncoder();
const worker = new RankWorker(new URL("./rank-worker-dev.mjs", import.meta.url));
afterAll(() => worker.terminate());

function file(mutate?: (map: Record<string, string[]>) => void): Uint8Array {
  const map: Record<string, string[]> = {};
  queries.forEach((query, i) => {
    const list = Array.from({ length: 10 }, (_, j) => gallery[(i + j * 7 + 1) % 30_000]!);
    if (i % 3 !== 2) list[i % 10] = gallery[i]!;
    map[query] = list;
  });
  mutate?.(map);
  return encoder.encode(JSON.stringify(map));
}

const rules = { split: { seed: "s", publicFraction: 0.4 } };

describe("scoreSubmissionInParallel", () => {
  it("agrees with the single-threaded path on a large valid file", async () => {
    const bytes = file();
    expect(bytes.length).toBeGreaterThan(PARALLEL_MIN_BYTES);
    expect(findSplitComma(bytes)).toBeGreaterThan(bytes.length / 2 - 1);
    // The two-thread path itself succeeds here (it is not a silent fallback).
    expect(await rankInParallel(bytes, index, 10, false, worker)).not.toBeNull();
    const parallel = await scoreSubmissionInParallel(bytes, index, rules, worker);
    const single = scoreSubmission(bytes, index, rules);
    expect(parallel.ok && single.ok).toBe(true);
    if (!parallel.ok || !single.ok) return;
    expect(parallel.value.splits).toEqual(single.value.splits);
    expect(Buffer.from(parallel.value.firstHitRank).equals(Buffer.from(single.value.firstHitRank))).toBe(true);
  });

  it("refuses a first half that does not end at the split comma", () => {
    // "odd]," followed by its closing quote looks like a member boundary; a prefix told to stop there never does.
    const bytes = encoder.encode(JSON.stringify({ [queries[0]!]: ["odd],", gallery[0]!], [queries[1]!]: [gallery[1]!] }));
    const inside = new TextDecoder().decode(bytes).indexOf('odd],"') + 4;
    expect(scanPart(bytes, scanIndexOf(index), 10, { mode: "prefix", stopAt: inside })).toBeNull();
    const boundary = new TextDecoder().decode(bytes).indexOf('],"q') + 1;
    expect(scanPart(bytes, scanIndexOf(index), 10, { mode: "prefix", stopAt: boundary })).not.toBeNull();
  });

  it("agrees when names that look like boundaries are everywhere", async () => {
    const bytes = file((map) => {
      for (const list of Object.values(map)) list[9] = "odd],";
    });
    const parallel = await scoreSubmissionInParallel(bytes, index, rules, worker);
    const single = scoreSubmission(bytes, index, rules);
    expect(parallel.ok && single.ok && parallel.value.splits.all.score === single.value.splits.all.score).toBe(true);
  });

  it("reports the same errors for an invalid large file", async () => {
    const bytes = file((map) => {
      map[queries[20_000]!] = ["nope.jpg"];
      delete map[queries[3]!];
    });
    const parallel = await scoreSubmissionInParallel(bytes, index, rules, worker);
    const single = scoreSubmission(bytes, index, rules);
    expect(parallel).toEqual(single);
    expect(parallel.ok).toBe(false);
  });
});
