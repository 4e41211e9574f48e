import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";

describe("csvCell", () => {
  it.each(["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])("neutralises the formula %j", (value) => {
    expect(csvCell(value).replace(/^"/, "").startsWith("'")).toBe(true);
  });

  it("quotes commas, quotes and line breaks, and leaves numbers and plain text alone", () => {
    expect(csvCell('Team "A", B')).toBe('"Team ""A"", B"');
    expect(csvCell("Team A")).toBe("Team A");
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvLine(["=1,2", 3, null])).toBe(`"'=1,2",3,`);
  });
});
