import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analysisOptionsSchema } from "../../lib/analysis/analysis-options";
import { getAnalysisImage } from "../../lib/analysis/get-analysis-image";
import { getSubmissionAnalysis } from "../../lib/analysis/get-submission-analysis";
import type { Actor } from "../../lib/auth/actor";
import type { Database } from "../../lib/db/open-database";
import { splitQueries } from "../../lib/scoring";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { generatedResultsDownload } from "../../lib/submissions/list-submissions";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, scoredModelEntry } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// Issue 12, item 2: in a model-only contest the whole gallery is hidden, yet a team could download its model's
// generated top-10 file — every hidden gallery name, for private queries too — and read the same names in its visual
// analysis. Where the gallery is public, the file still listed the private queries (which are private is hidden
// until the reveal). And the analysis, per-query outcomes that label the public split fast, was open to every team
// during the contest. Two realistic contests (a Los Angeles schedule, a freeze ahead, a 0.5 split): one model-only,
// one taking both kinds; each with a model entry whose generated file is stored.

describe("model entries and the hidden gallery", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  const contests: Record<string, Awaited<ReturnType<typeof createContest>> & { team: { actor: Actor; id: string }; entryId: string }> = {};
  const options = analysisOptionsSchema.parse({ pageSize: 100 });
  const split = { publicFraction: 0.5, seed: "leaks" };

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    for (const [slug, kinds] of [
      ["model-only", "model"],
      ["both-kinds", "results,model"],
    ] as const) {
      const contest = await createContest(database.prisma, store, { slug, queries: 12, settings: { submissionKinds: kinds, splitSeed: "leaks", teamAnalysis: "during" } });
      const user = await createUser(database.prisma, { email: `team@${slug}.test`, password: "team password 1" });
      const actor: Actor = { userId: user.id, isAdmin: false };
      const team = { actor, id: (await createTeam(database.prisma, actor, slug, "Lens")).id };
      // Every query's generated list: a distractor, then its match.
      const entry = await scoredModelEntry(database.prisma, store, contest.competition.id, team.id, Object.fromEntries(contest.queries.map((query, i) => [query, ["distractor-2.jpg", `g${i}.jpg`]])));
      contests[slug] = { ...contest, team, entryId: entry.id };
    }
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const reveal = (slug: string, revealedAt: Date | null) => database.prisma.competition.update({ where: { id: contests[slug]!.competition.id }, data: { revealedAt } });

  it("refuses a model-only contest's generated top-10 file to its team until the reveal; organizers always get it", async () => {
    const contest = contests["model-only"]!;
    await expect(generatedResultsDownload(database.prisma, store, contest.team.actor, "model-only", contest.entryId)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/gallery of model-only is hidden .* once the organizers reveal/),
    });
    expect(await generatedResultsDownload(database.prisma, store, contest.organizer, "model-only", contest.entryId)).toMatchObject({ kind: "redirect" });
    await reveal("model-only", new Date());
    try {
      expect(await generatedResultsDownload(database.prisma, store, contest.team.actor, "model-only", contest.entryId)).toMatchObject({ kind: "redirect" });
    } finally {
      await reveal("model-only", null);
    }
  });

  it("cuts the generated file to the public queries where the gallery is public, until private numbers are shown", async () => {
    const contest = contests["both-kinds"]!;
    const isPublic = splitQueries(contest.queries, split);
    const download = await generatedResultsDownload(database.prisma, store, contest.team.actor, "both-kinds", contest.entryId);
    if (download.kind !== "body") throw new Error(`expected the public part, got ${download.kind}`);
    expect(Object.keys(JSON.parse(download.body)).sort()).toEqual(contest.queries.filter((_, i) => isPublic[i] === 1).sort());
    expect(await generatedResultsDownload(database.prisma, store, contest.organizer, "both-kinds", contest.entryId)).toMatchObject({ kind: "redirect" });
    await reveal("both-kinds", new Date());
    try {
      expect(await generatedResultsDownload(database.prisma, store, contest.team.actor, "both-kinds", contest.entryId)).toMatchObject({ kind: "redirect" });
    } finally {
      await reveal("both-kinds", null);
    }
  });

  it("shows a model-only team no gallery names or thumbnails in its analysis before the reveal", async () => {
    const contest = contests["model-only"]!;
    const seen = await getSubmissionAnalysis(database.prisma, store, contest.team.actor, "model-only", contest.entryId, options);
    if (!seen.available) throw new Error(seen.reason);
    expect(seen.analysis.rows.length).toBeGreaterThan(0);
    expect(seen.analysis.rows.every((row) => row.firstHitRank === 2)).toBe(true);
    const shown = JSON.stringify(seen);
    for (const name of contest.gallery) expect(shown, name).not.toContain(name);
    for (const name of ["distractor-2.jpg", "g0.jpg"]) {
      await expect(getAnalysisImage(database.prisma, store, contest.team.actor, "model-only", contest.entryId, { set: "gallery", name })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const organizer = await getSubmissionAnalysis(database.prisma, store, contest.organizer, "model-only", contest.entryId, options);
    expect(JSON.stringify(organizer)).toContain("distractor-2.jpg");
  });

  it("gives teams the visual analysis only as the competition's teamAnalysis setting allows; organizers always", async () => {
    const contest = contests["both-kinds"]!;
    const setting = (teamAnalysis: "OFF" | "AFTER_END" | "DURING", endsAt?: Date) =>
      database.prisma.competition.update({ where: { id: contest.competition.id }, data: { teamAnalysis, ...(endsAt && { endsAt }) } });
    const endsAt = (await database.prisma.competition.findUniqueOrThrow({ where: { id: contest.competition.id } })).endsAt!;
    const teamSees = async () => (await getSubmissionAnalysis(database.prisma, store, contest.team.actor, "both-kinds", contest.entryId, options)).available;
    const organizerSees = async () => (await getSubmissionAnalysis(database.prisma, store, contest.organizer, "both-kinds", contest.entryId, options)).available;
    try {
      await setting("OFF");
      expect(await teamSees()).toBe(false);
      await expect(getAnalysisImage(database.prisma, store, contest.team.actor, "both-kinds", contest.entryId, { set: "query", name: contest.queries[0]! })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await organizerSees()).toBe(true);

      await setting("AFTER_END");
      const refused = await getSubmissionAnalysis(database.prisma, store, contest.team.actor, "both-kinds", contest.entryId, options);
      expect(refused).toMatchObject({ available: false, reason: expect.stringMatching(/opens to teams when the competition ends \(.*P[SD]T\)/) });
      expect(JSON.stringify(refused)).not.toContain("distractor-2.jpg");
      expect(await organizerSees()).toBe(true);
      await setting("AFTER_END", new Date(Date.now() - 1000));
      expect(await teamSees()).toBe(true);

      await setting("DURING", endsAt);
      expect(await teamSees()).toBe(true);
    } finally {
      await setting("DURING", endsAt);
    }
  });
});
