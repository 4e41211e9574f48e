import { describe, expect, it } from "vitest";
import { buildScoringIndex, scoreSubmission, type ValidationCode } from "./index";

// The corpus of malformed results files: each must end in its own specific, readable message.

const queries = ["a.jpg", "b.jpg", "c.jpg"];
const gallery = Array.from({ length: 15 }, (_, i) => `g${i}.jpg`);
const built = buildScoringIndex({ queries, gallery, truth: new Map(queries.map((q, i) => [q, [`g${i}.jpg`]])) });
if (!built.ok) throw new Error(built.error.join("\n"));
const index = built.value;

const ten = (offset = 0) => Array.from({ length: 10 }, (_, i) => `g${(i + offset) % 15}.jpg`);
const valid = { "a.jpg": ten(), "b.jpg": ten(1), "c.jpg": ten(2) };
const json = (value: unknown) => JSON.stringify(value);

interface Case {
  name: string;
  file: string | Uint8Array;
  code: ValidationCode;
  message: RegExp;
  count?: number;
}

const corpus: Case[] = [
  { name: "empty file", file: "", code: "NOT_JSON", message: /not valid JSON \(the file is empty\)/ },
  { name: "whitespace only", file: "  \n\t ", code: "NOT_JSON", message: /the file is empty/ },
  { name: "truncated JSON", file: json(valid).slice(0, 40), code: "NOT_JSON", message: /not valid JSON.*line 1, column/ },
  { name: "trailing comma", file: '{"a.jpg": ["g0.jpg",]}', code: "NOT_JSON", message: /not valid JSON/ },
  { name: "single quotes", file: "{'a.jpg': ['g0.jpg']}", code: "NOT_JSON", message: /not valid JSON/ },
  { name: "CSV instead of JSON", file: "query,gallery\na.jpg,g0.jpg\n", code: "NOT_JSON", message: /not valid JSON/ },
  { name: "binary garbage", file: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), code: "NOT_JSON", message: /not valid JSON/ },
  { name: "top-level string", file: json("a.jpg"), code: "WRONG_SHAPE", message: /top level is string; expected an object/ },
  { name: "top-level number", file: "42", code: "WRONG_SHAPE", message: /top level is number/ },
  { name: "top-level null", file: "null", code: "WRONG_SHAPE", message: /top level is null/ },
  { name: "empty object", file: "{}", code: "EMPTY_SUBMISSION", message: /lists no queries/ },
  { name: "empty list form", file: "[]", code: "EMPTY_SUBMISSION", message: /lists no queries/ },
  { name: "query mapped to a string", file: json({ ...valid, "a.jpg": "g0.jpg" }), code: "WRONG_SHAPE", message: /must map to a list of gallery file names\): query "a\.jpg", found a string \("g0\.jpg"\)/ },
  { name: "query mapped to an object", file: json({ ...valid, "b.jpg": { first: "g0.jpg" } }), code: "WRONG_SHAPE", message: /query "b\.jpg", found an object/ },
  { name: "query mapped to null", file: json({ ...valid, "c.jpg": null }), code: "WRONG_SHAPE", message: /query "c\.jpg", found null/ },
  { name: "legacy body with numeric groupname", file: json({ groupname: 7, images: valid }), code: "WRONG_SHAPE", message: /"groupname" must be a string.*found a number \(7\)/ },
  { name: "legacy body with list images", file: json({ groupname: "t", images: [] }), code: "WRONG_SHAPE", message: /query "images", found a list|query "groupname"/ },
  { name: "list form item without filename", file: json([{ gallery_images: ten() }]), code: "WRONG_SHAPE", message: /"filename".*\): position 1, found an object/ },
  { name: "list form item with string gallery_images", file: json([{ filename: "a.jpg", gallery_images: "g0.jpg" }]), code: "WRONG_SHAPE", message: /position 1/ },
  { name: "list form with a bare string item", file: json(["a.jpg"]), code: "WRONG_SHAPE", message: /position 1, found a string/ },
  { name: "unknown query", file: json({ ...valid, "zzz.jpg": ten() }), code: "UNKNOWN_QUERY", message: /1 query is not in the test set: query "zzz\.jpg"/ },
  { name: "query with folder prefix in the plain map", file: json({ ...valid, "query/a.jpg": ten() }), code: "UNKNOWN_QUERY", message: /query "query\/a\.jpg"/ },
  { name: "unknown gallery file", file: json({ ...valid, "b.jpg": [...ten(1).slice(0, 9), "nope.jpg"] }), code: "UNKNOWN_GALLERY", message: /1 list entry names a file not in the gallery: query "b\.jpg", position 10, "nope\.jpg"/ },
  { name: "gallery name differing in case", file: json({ ...valid, "a.jpg": ["G0.jpg"] }), code: "UNKNOWN_GALLERY", message: /position 1, "G0\.jpg"/ },
  { name: "number inside a list", file: json({ ...valid, "a.jpg": ["g0.jpg", 3] }), code: "NOT_A_STRING", message: /query "a\.jpg", position 2, found a number \(3\)/ },
  { name: "null inside a list", file: json({ ...valid, "a.jpg": [null] }), code: "NOT_A_STRING", message: /position 1, found null/ },
  { name: "duplicate inside a list", file: json({ ...valid, "c.jpg": ["g1.jpg", "g2.jpg", "g1.jpg"] }), code: "DUPLICATE_IN_LIST", message: /query "c\.jpg", position 3, "g1\.jpg"/ },
  { name: "eleven entries", file: json({ ...valid, "a.jpg": [...ten(), "g14.jpg"] }), code: "TOO_MANY_ENTRIES", message: /query "a\.jpg", found 11 entries, at most 10 allowed/ },
  { name: "missing query", file: json({ "a.jpg": ten(), "b.jpg": ten() }), code: "MISSING_QUERIES", message: /1 query of the test set is missing \(this competition requires every query\): query "c\.jpg"/ },
  { name: "list form repeating a query", file: json([{ filename: "a.jpg", gallery_images: ten() }, { filename: "test/query/a.jpg", gallery_images: ten() }, { filename: "b.jpg", gallery_images: ten() }, { filename: "c.jpg", gallery_images: ten() }]), code: "DUPLICATE_QUERY", message: /1 query is listed more than once: query "a\.jpg"/ },
  { name: "list form with an unknown prefixed gallery file", file: json([{ filename: "x/a.jpg", gallery_images: ["gallery/zz.jpg"] }, { filename: "b.jpg", gallery_images: [] }, { filename: "c.jpg", gallery_images: [] }]), code: "UNKNOWN_GALLERY", message: /"zz\.jpg"/ },
  {
    name: "many unknown galleries (first 20 of the total)",
    file: json({ "a.jpg": Array.from({ length: 10 }, (_, i) => `x${i}.jpg`), "b.jpg": Array.from({ length: 10 }, (_, i) => `y${i}.jpg`), "c.jpg": Array.from({ length: 10 }, (_, i) => `z${i}.jpg`) }),
    code: "UNKNOWN_GALLERY",
    message: /^30 list entries name files not in the gallery: first 20 of 30: query "a\.jpg", position 1, "x0\.jpg";/,
    count: 30,
  },
];

describe("malformed results files", () => {
  it("has at least 30 cases", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus)("rejects $name with $code", ({ file, code, message, count }) => {
    const result = scoreSubmission(file, index);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.error.find((candidate) => candidate.code === code);
    expect(error, `codes: ${result.error.map((e) => e.code).join(", ")}`).toBeDefined();
    expect(error!.message).toMatch(message);
    expect(error!.examples.length).toBeLessThanOrEqual(20);
    if (count !== undefined) expect(error!.count).toBe(count);
  });

  it("reports every kind of problem of one file at once", () => {
    const file = json({ "a.jpg": ["g0.jpg", "g0.jpg"], "zzz.jpg": ten(), "b.jpg": ["nope.jpg"] });
    const result = scoreSubmission(file, index);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((error) => error.code)).toEqual(["UNKNOWN_QUERY", "UNKNOWN_GALLERY", "DUPLICATE_IN_LIST", "MISSING_QUERIES"]);
  });

  it("accepts the valid file the corpus is built from", () => {
    expect(scoreSubmission(json(valid), index).ok).toBe(true);
  });
});
