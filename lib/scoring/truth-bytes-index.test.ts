import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildNameTable } from "./name-table";
import { buildScoringIndex } from "./scoring-index";
import { scoreSubmission } from "./score-submission";
import { buildScoringIndexFromTruthBytes } from "./truth-bytes-index";

const encoder = new TextEncoder();

function generalIndex(text: string, gallery: string[]) {
  const data = JSON.parse(text) as Record<string, string[]>;
  const truth = new Map(Object.keys(data).map((key) => [key, data[key]!]));
  return buildScoringIndex({ queries: [...truth.keys()], gallery, truth });
}

describe("buildScoringIndexFromTruthBytes", () => {
  it("builds the same index as the general path, or declines", () => {
    let built = 0;
    const name = fc.oneof({ weight: 20, arbitrary: fc.constantFrom("a.jpg", "b.jpg", "c.jpg", "d.jpg", "é.jpg") }, fc.constantFrom("x/y.jpg", 'q"uote.jpg', "zz.jpg"));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("q1.jpg", "q2.jpg", "q3.jpg", "ö.jpg", "dir/q.jpg"), fc.array(name, { maxLength: 4 })), { minLength: 1, maxLength: 5 }),
        fc.constantFrom("", " ", "\n  "),
        (members, space) => {
          const text = `{${members.map(([q, list]) => `${space}${JSON.stringify(q)}${space}:${space}[${list.map((g) => JSON.stringify(g)).join(`,${space}`)}]`).join(",")}${space}}`;
          const gallery = ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "é.jpg"];
          const fast = buildScoringIndexFromTruthBytes(encoder.encode(text), { names: gallery, ...buildNameTable(gallery) });
          if (!fast) return; // declined: the general path answers
          built++;
          const general = generalIndex(text, gallery);
          expect(general.ok).toBe(true);
          if (!general.ok) return;
          expect(fast.queryNames).toEqual(general.value.queryNames);
          expect(fast.evaluatedNames).toEqual(general.value.evaluatedNames);
          expect(Array.from(fast.evaluatedSlot)).toEqual(Array.from(general.value.evaluatedSlot));
          expect(Array.from(fast.truthStart)).toEqual(Array.from(general.value.truthStart));
          expect(Array.from(fast.truthIds)).toEqual(Array.from(general.value.truthIds));
          // And it scores a submission identically.
          const submission = encoder.encode(JSON.stringify(Object.fromEntries(fast.queryNames.map((q) => [q, ["b.jpg", "a.jpg"]]))));
          expect(scoreSubmission(submission, fast)).toEqual(scoreSubmission(submission, general.value));
        },
      ),
      { numRuns: 500, seed: 42 },
    );
    expect(built).toBeGreaterThan(20);
  });

  it("declines what only the general path can explain", () => {
    const gallery = ["a.jpg", "b.jpg"];
    const table = { names: gallery, ...buildNameTable(gallery) };
    for (const text of ['{"q.jpg": "a.jpg"}', '{"q.jpg": ["nope.jpg"]}', '{"q.jpg": ["a.jpg"], "q.jpg": ["b.jpg"]}', '{"dir/q.jpg": ["a.jpg"]}', '{"q\\u0031.jpg": ["a.jpg"]}', "{}", '{"q.jpg": ["a.jpg"]} trailing']) {
      expect(buildScoringIndexFromTruthBytes(encoder.encode(text), table), text).toBeNull();
    }
    expect(buildScoringIndexFromTruthBytes(encoder.encode('{"q.jpg": ["a.jpg"]}'), { names: ["a.jpg", "a.jpg"], ...buildNameTable(["a.jpg", "a.jpg"]) })).toBeNull();
    expect(buildScoringIndexFromTruthBytes(encoder.encode('\uFEFF{"q.jpg": ["a.jpg", "a.jpg"], "r.jpg": []}'), table)).not.toBeNull();
  });
});
