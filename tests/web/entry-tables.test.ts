import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

// The tables render on the server; their one server action (the final-selection toggle) is not called here.
vi.mock("@/server/actions/competition-actions", () => ({ selectFinalAction: async () => undefined }));

const { TeamSubmissions } = await import("../../components/team-submissions");
const { OrganizerSubmissions } = await import("../../components/organizer-submissions");
const { EntryDescription } = await import("../../components/entry-description");

const HOSTILE = '<script>alert("name")</script><img src=x onerror=alert(1)>';

describe("the entries tables", () => {
  const base = { status: "scored", channel: "api", sha256: "a".repeat(64), error: null, selectedForFinal: false, createdAt: "2026-12-04T12:00:00.000Z" };

  it("show the team its entries' names (the file name when unnamed), kind, file name and public score, escaped", () => {
    const html = renderToStaticMarkup(
      createElement(TeamSubmissions, {
        slug: "names",
        finalLimit: 2,
        timeZone: "Europe/Berlin",
        submissions: [
          { ...base, id: "named-entry", kind: "results", fileName: "ranks.json", name: HOSTILE, scores: { public: { score: 812.5 } } },
          { ...base, id: "unnamed-entry", kind: "model", fileName: "encoder.onnx", name: null, status: "queued", scores: {} },
        ],
      }),
    );
    expect(html).toContain("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    // (React adds a script of its own for form actions; none of the text became one.)
    expect(html).not.toContain("<script>alert");
    expect(html).not.toMatch(/<img/);
    const rows = html.split("<tr>").slice(2);
    expect(rows[0]).toMatch(/>results file</);
    expect(rows[0]).toMatch(/>ranks\.json</);
    expect(rows[0]).toContain("812.50");
    // Unnamed: the file name stands for it, and says so.
    expect(rows[1]).toMatch(/data-testid="entry-link">encoder\.onnx</);
    expect(rows[1]).toContain("unnamed");
    expect(rows[1]).toMatch(/>model</);
    for (const header of ["Entry", "Kind", "File name", "Public score"]) expect(html).toContain(`>${header}</th>`);
  });

  it("show organizers each entry's name, escaped", () => {
    const row = {
      id: "entry",
      team: { id: "team", name: "Team <b>", disqualified: false },
      kind: "results" as const,
      channel: "web",
      status: "scored",
      fileName: "ranks.json",
      name: HOSTILE,
      createdAt: "2026-12-04T12:00:00.000Z",
      countsTowardQuota: true,
      selectedForFinal: false,
      datasetVersion: 1,
      scores: { public: 1, private: 2, all: 3 },
      error: null,
      rerunRefusal: null,
    };
    const html = renderToStaticMarkup(
      createElement(OrganizerSubmissions, {
        slug: "names",
        filters: { page: 1, pageSize: 25 },
        teams: [],
        result: { submissions: [row, { ...row, id: "other", name: null }], total: 2, page: 1, pageCount: 1 },
        anySubmissions: true,
        rerunAction: async () => undefined,
        timeZone: "UTC",
      }),
    );
    expect(html).toContain(">Entry name</th>");
    expect(html).toMatch(/data-testid="organizer-entry-name">&lt;script&gt;alert\(&quot;name&quot;\)&lt;\/script&gt;/);
    expect(html).toMatch(/data-testid="organizer-entry-name"><span[^>]*>unnamed</);
    // (React adds a script of its own for form actions; none of the text became one.)
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("Team <b>");
  });

  it("show a description as text with its http(s) URLs as links that pass no referrer, opener or ranking", () => {
    const html = renderToStaticMarkup(
      createElement(EntryDescription, { description: `Method: CLIP.\n${HOSTILE} [x](javascript:alert(2)) <a href="javascript:alert(3)">y</a>\nPaper: https://arxiv.org/abs/2103.00020.` }),
    );
    expect(html).toContain('<a href="https://arxiv.org/abs/2103.00020" rel="noopener noreferrer nofollow" target="_blank"');
    expect(html).toContain(">https://arxiv.org/abs/2103.00020</a>.");
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/<img|href="javascript:/);
    expect(html).toContain("&lt;a href=&quot;javascript:alert(3)&quot;&gt;y&lt;/a&gt;");
    expect(html).toContain("Method: CLIP.\n");
  });
});
