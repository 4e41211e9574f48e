import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { descriptionPieces, entryDetailsProblem, entryDetailsSchema, parseEntryDetailsFields } from "./entry-details";

const refusal = (input: unknown): string => {
  const result = entryDetailsSchema.safeParse(input);
  if (result.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
};

describe("an entry's name and description", () => {
  it("trims the name, takes 1 to 100 characters (counted as a reader counts them) and reads blank as none", () => {
    expect(entryDetailsSchema.parse({ name: "  ResNet-50 + re-ranking  " })).toEqual({ name: "ResNet-50 + re-ranking" });
    expect(entryDetailsSchema.parse({ name: "x".repeat(100) }).name).toHaveLength(100);
    // 100 emoji are 200 UTF-16 units, and 100 characters.
    expect(entryDetailsSchema.parse({ name: "🏆".repeat(100) }).name).toBe("🏆".repeat(100));
    expect(entryDetailsSchema.parse({ name: "   " })).toEqual({ name: null });
    expect(entryDetailsSchema.parse({ name: null, description: null })).toEqual({ name: null, description: null });
    expect(entryDetailsSchema.parse({})).toEqual({});
    expect(refusal({ name: "x".repeat(101) })).toBe("name: is at most 100 characters (this one has 101)");
  });

  it("refuses control characters in the name, naming the field", () => {
    for (const name of ["two\nlines", "tab\there", "bell\u0007", "nul\u0000", "c1\u0085"]) expect(refusal({ name }), JSON.stringify(name)).toMatch(/^name: cannot contain control characters/);
    expect(refusal({ name: "gnp\u202Eexe" })).toBe("name: cannot contain text-direction control characters");
    expect(refusal({ name: 5 })).toMatch(/^name: /);
  });

  it("keeps a description's line breaks and tabs (CRLF read as LF), up to 2,000 characters, and nothing else of the controls", () => {
    expect(entryDetailsSchema.parse({ description: " Method:\r\n\tCLIP ViT-B/16\r\nhttps://arxiv.org/abs/2103.00020 \n" })).toEqual({ description: "Method:\n\tCLIP ViT-B/16\nhttps://arxiv.org/abs/2103.00020" });
    expect(entryDetailsSchema.parse({ description: "d".repeat(2000) }).description).toHaveLength(2000);
    expect(refusal({ description: "d".repeat(2001) })).toBe("description: is at most 2,000 characters (this one has 2,001)");
    expect(refusal({ description: "escape \u001b[31m red" })).toBe("description: cannot contain control characters other than line breaks and tabs");
    expect(refusal({ description: "a\u2066b" })).toBe("description: cannot contain text-direction control characters");
    expect(entryDetailsSchema.parse({ description: "" })).toEqual({ description: null });
  });

  it("reads only name and description of a form's fields, and says what a form got wrong with the field's label", () => {
    expect(parseEntryDetailsFields({ name: " n ", description: "d", other: "ignored" })).toEqual({ name: "n", description: "d" });
    expect(() => parseEntryDetailsFields({ name: "a\nb" })).toThrow(ZodError);
    expect(entryDetailsProblem({ name: "ok", description: "" })).toBeNull();
    expect(entryDetailsProblem({ name: "x".repeat(101), description: "\u0007" })).toBe(
      "Entry name: is at most 100 characters (this one has 101)\nDescription: cannot contain control characters other than line breaks and tabs",
    );
  });
});

describe("descriptionPieces", () => {
  it("links http(s) URLs and leaves everything else text, the sentence's punctuation outside the link", () => {
    expect(descriptionPieces("CLIP (see https://arxiv.org/abs/2103.00020). Code: http://example.org/x?a=1&b=2, done")).toEqual([
      { kind: "text", text: "CLIP (see " },
      { kind: "link", text: "https://arxiv.org/abs/2103.00020", href: "https://arxiv.org/abs/2103.00020" },
      { kind: "text", text: "). Code: " },
      { kind: "link", text: "http://example.org/x?a=1&b=2", href: "http://example.org/x?a=1&b=2" },
      { kind: "text", text: ", done" },
    ]);
    expect(descriptionPieces("https://en.wikipedia.org/wiki/Ranking_(information_retrieval).")).toEqual([
      { kind: "link", text: "https://en.wikipedia.org/wiki/Ranking_(information_retrieval)", href: "https://en.wikipedia.org/wiki/Ranking_(information_retrieval)" },
      { kind: "text", text: "." },
    ]);
  });

  it("never links another scheme or markup, and keeps text as text", () => {
    const hostile = 'javascript:alert(1) data:text/html,<b>x</b> <a href="https://evil.test">x</a> <script>alert(2)</script>';
    const pieces = descriptionPieces(hostile);
    // Only the http(s) URL written in the text is linked; the markup around it stays text (React escapes it).
    expect(pieces.filter((piece) => piece.kind === "link").map((piece) => piece.kind === "link" && piece.href)).toEqual(["https://evil.test/"]);
    expect(pieces.map((piece) => piece.text).join("")).toBe(hostile);
    expect(descriptionPieces("no links here")).toEqual([{ kind: "text", text: "no links here" }]);
    expect(descriptionPieces("https://")).toEqual([{ kind: "text", text: "https://" }]);
  });
});
