import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastRankResults } from "./fast-rank";
import { buildScoringIndex, scoreSubmission } from "./index";

// The byte-level fast path must agree with the general path (JSON.parse + rankResults) on every input:
// same outcome, same scores, same errors — it may only decline.

const queries = Array.from({ length: 12 }, (_, i) => `q${i}.jpg`);
const gallery = Array.from({ length: 30 }, (_, i) => (i === 7 ? "ünïcode-7.jpg" : `g${i}.jpg`));
const built = buildScoringIndex({ queries, gallery, truth: new Map(queries.map((q, i) => [q, i % 5 === 4 ? [] : [gallery[i]!, gallery[(i + 13) % 30]!]])) });
if (!built.ok) throw new Error(built.error.join("\n"));
const index = built.value;
const encoder = new TextEncoder();

const space = fc.constantFrom("", " ", "\n", "\t", "\r\n  ");
const galleryName = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...gallery) }, fc.constantFrom("nope.jpg", "g1\\u0030.jpg", "G1.jpg", 'quo\\"te.jpg'));
const queryName = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...queries) }, fc.constantFrom("zzz.jpg", "q\\u0031.jpg", "images", "groupname"));

const member = fc.record({ query: queryName, list: fc.array(galleryName, { maxLength: 11 }), s: fc.tuple(space, space, space) });
const document = fc.record({
  members: fc.array(member, { maxLength: 14 }),
  shape: fc.constantFrom("plain", "legacy", "legacy-reversed", "legacy-no-group"),
  bom: fc.boolean(),
  group: fc.constantFrom("team", "ëquipe", "a\\nb"),
  outer: space,
  trailing: fc.constantFrom("", " ", "\n", "x", ","),
});

function render(doc: { members: { query: string; list: string[]; s: [string, string, string] }[]; shape: string; bom: boolean; group: string; outer: string; trailing: string }): string {
  const map = `{${doc.members.map((m) => `${m.s[0]}"${m.query}"${m.s[1]}:${m.s[2]}[${m.list.map((g) => `"${g}"`).join(`,${m.s[1]}`)}]`).join(",")}${doc.outer}}`;
  let text: string;
  if (doc.shape === "plain") text = map;
  else if (doc.shape === "legacy") text = `{"groupname":${doc.outer}"${doc.group}", "images": ${map}}`;
  else if (doc.shape === "legacy-reversed") text = `{ "images":${map},${doc.outer}"groupname":"${doc.group}"}`;
  else text = `{"images": ${map}}`;
  return `${doc.bom ? "\uFEFF" : ""}${doc.outer}${text}${doc.trailing === "" ? doc.outer : doc.trailing}`;
}

describe("fastRankResults", () => {
  it("agrees with the general path on random well-formed and malformed files", () => {
    let fastTaken = 0;
    fc.assert(
      fc.property(document, fc.boolean(), (doc, allowPartial) => {
        const text = render(doc);
        const bytes = encoder.encode(text);
        const viaBytes = scoreSubmission(bytes, index, { allowPartial });
        const viaString = scoreSubmission(text, index, { allowPartial });
        if (fastRankResults(bytes, index, 10, allowPartial)) fastTaken++;
        expect(viaBytes.ok).toBe(viaString.ok);
        if (viaBytes.ok && viaString.ok) {
          expect(viaBytes.value.splits).toEqual(viaString.value.splits);
          expect(viaBytes.value.format).toBe(viaString.value.format);
          expect(viaBytes.value.groupname).toBe(viaString.value.groupname);
          expect(Array.from(viaBytes.value.firstHitRank)).toEqual(Array.from(viaString.value.firstHitRank));
        } else if (!viaBytes.ok && !viaString.ok) {
          expect(viaBytes.error).toEqual(viaString.error);
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
    // The generator must exercise the fast path, not only the fallback.
    expect(fastTaken).toBeGreaterThan(50);
  });

  it("takes the fast path for a plain map and a legacy body", () => {
    const map = Object.fromEntries(queries.map((q, i) => [q, [gallery[i]!]]));
    expect(fastRankResults(encoder.encode(JSON.stringify(map)), index, 10, false)?.format).toBe("plain-map");
    const legacy = fastRankResults(encoder.encode(JSON.stringify({ groupname: "g", images: map })), index, 10, false);
    expect(legacy?.format).toBe("legacy-body");
    expect(legacy?.groupname).toBe("g");
  });
});
