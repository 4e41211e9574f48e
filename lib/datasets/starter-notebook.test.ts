import { describe, expect, it } from "vitest";
import { DEFAULT_WEIGHTS } from "../scoring/weights";
import { starterNotebook } from "./starter-notebook";

// The notebook itself runs in tests/clients/starter-notebook.test.ts (a real bundle, Debian's python3); here, what it
// says for a competition's settings.

interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  cells: { id: string; cell_type: string; source: string[]; outputs?: unknown[]; execution_count?: unknown }[];
}

const counts = { query: 3, gallery: 12, training: 0 };
const parse = (text: string) => JSON.parse(text) as Notebook;

describe("the starter notebook", () => {
  it("is nbformat 4 JSON: a markdown cell, then five code cells without outputs", () => {
    const text = starterNotebook({ title: "Faces", slug: "faces", weights: DEFAULT_WEIGHTS, modelOnly: false, acceptsResults: true }, counts);
    expect(text.endsWith("}\n")).toBe(true);
    const notebook = parse(text);
    expect([notebook.nbformat, notebook.nbformat_minor]).toEqual([4, 5]);
    expect(notebook.cells.map((cell) => cell.cell_type)).toEqual(["markdown", "code", "code", "code", "code", "code"]);
    for (const cell of notebook.cells.slice(1)) expect([cell.outputs, cell.execution_count]).toEqual([[], null]);
    const task = notebook.cells[0]!.source.join("");
    expect(task).toContain("600·hit@1 + 300·hit@5 + 100·hit@10");
    expect(task).toContain("at most 1000");
    expect(task).toContain("none in this bundle");
    expect(notebook.cells[1]!.source.join("")).toContain("TOP = 10 ");
  });

  it("uses the competition's own weights, and lists as long as its largest k", () => {
    const weights = [
      { k: 20, weight: 1 },
      { k: 1, weight: 2.5 },
    ];
    const notebook = parse(starterNotebook({ title: 'A "quoted" title', slug: "odd-one", weights, modelOnly: false, acceptsResults: true }, { ...counts, training: 40 }));
    const task = notebook.cells[0]!.source.join("");
    expect(task).toContain("# A \"quoted\" title — starter notebook");
    expect(task).toContain("2.5·hit@1 + 1·hit@20");
    expect(task).toContain("`1:2.5,20:1`");
    expect(task).toContain("40 images");
    const load = notebook.cells[1]!.source.join("");
    expect(load).toContain('COMPETITION = "odd-one"');
    expect(load).toContain("WEIGHTS = [(1, 2.5), (20, 1)]");
    expect(load).toContain("TOP = 20 ");
  });
});
