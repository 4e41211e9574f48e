import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leadingGroupname, readLegacyGroupname } from "./legacy-body";

// The shortcut may only decline: on every JSON body it answers what parsing the whole body answers.

const encode = (text: string) => new TextEncoder().encode(text);
function reference(text: string): ReturnType<typeof readLegacyGroupname> {
  let groupname: unknown;
  try {
    groupname = (JSON.parse(text.replace(/^\uFEFF/, "")) as { groupname?: unknown } | null)?.groupname;
  } catch {
    return { ok: false, message: 'the body is not JSON: send {"groupname": "<team>", "images": {"<query>": ["<gallery>", …]}}' };
  }
  return typeof groupname === "string" && groupname.trim() !== "" ? { ok: true, groupname } : { ok: false, message: 'the body needs a "groupname": the name of your team' };
}

describe("readLegacyGroupname", () => {
  it("reads the original client's body from its first bytes", () => {
    const body = encode(JSON.stringify({ groupname: "Team Ä \"q\" \\ 7", images: { "q1.jpg": ["g1.jpg"] } }));
    expect(leadingGroupname(body)).toBe('Team Ä "q" \\ 7');
    expect(readLegacyGroupname(body)).toEqual({ ok: true, groupname: 'Team Ä "q" \\ 7' });
    // Python's json.dumps escapes non-ASCII: the shortcut decodes the escapes too.
    expect(leadingGroupname(encode('{"groupname": "\\u00e9quipe", "images": {}}'))).toBe("équipe");
  });

  it("declines what it does not recognise, and the full parse decides", () => {
    expect(leadingGroupname(encode('{"images": {}, "groupname": "late"}'))).toBeNull();
    expect(readLegacyGroupname(encode('{"images": {}, "groupname": "late"}'))).toEqual({ ok: true, groupname: "late" });
    // Two groupnames: JSON.parse keeps the last, so must we.
    expect(leadingGroupname(encode('{"groupname": "first", "groupname": "second"}'))).toBeNull();
    expect(readLegacyGroupname(encode('{"groupname": "first", "groupname": "second"}'))).toEqual({ ok: true, groupname: "second" });
    expect(readLegacyGroupname(encode('{"groupname": 7, "images": {}}'))).toEqual({ ok: false, message: 'the body needs a "groupname": the name of your team' });
    expect(readLegacyGroupname(encode('{"groupname": "  ", "images": {}}')).ok).toBe(false);
    expect(readLegacyGroupname(encode("not json"))).toEqual({ ok: false, message: expect.stringMatching(/^the body is not JSON/) });
    expect(readLegacyGroupname(encode('{"groupname": "unterminated'))).toEqual({ ok: false, message: expect.stringMatching(/^the body is not JSON/) });
    expect(readLegacyGroupname(encode('{"groupname": "bad \\x escape", "images": {}}')).ok).toBe(false);
  });

  it("agrees with parsing the whole body on generated JSON bodies", () => {
    const value = fc.oneof(fc.string({ unit: "grapheme" }), fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));
    const body = fc.record({
      groupname: fc.option(fc.oneof({ weight: 4, arbitrary: fc.string({ unit: "grapheme" }) }, fc.constantFrom("groupname", '"groupname"', "a\u2028b", " "), value), { nil: undefined }),
      before: fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 2 }),
      after: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constant("groupname")), value, { maxKeys: 3 }),
      indent: fc.constantFrom(undefined, 0, 1, 2, "\t"),
      bom: fc.boolean(),
    });
    fc.assert(
      fc.property(body, ({ groupname, before, after, indent, bom }) => {
        const object = { ...before, ...(groupname === undefined ? {} : { groupname }), images: { "q.jpg": ["g.jpg"] }, ...after };
        const text = `${bom ? "\uFEFF" : ""}${JSON.stringify(object, null, indent)}`;
        expect(readLegacyGroupname(encode(text))).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});
