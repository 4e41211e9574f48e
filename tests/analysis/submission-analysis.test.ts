import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAnalysisImage } from "../../lib/analysis/get-analysis-image";
import { getSubmissionAnalysis } from "../../lib/analysis/get-submission-analysis";
import { analysisOptionsSchema } from "../../lib/analysis/analysis-options";
import type { Actor } from "../../lib/auth/actor";
import type { Database } from "../../lib/db/open-database";
import { splitQueries } from "../../lib/scoring";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, scoredModelEntry } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// The visual analysis end to end on PGlite and a folder store: the team sees its public queries only, the
// organizers every query; the image route follows the same rule.

describe("submission analysis", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  const slug = "analysis";
  const split = { publicFraction: 0.5, seed: "7" };
  let team: { actor: Actor; id: string };
  let otherTeam: Actor;
  let outsider: Actor;
  let submissionId = "";
  let publicQueries: string[] = [];
  let privateQueries: string[] = [];
  const options = analysisOptionsSchema.parse({ pageSize: 100 });

  const newActor = async (email: string): Promise<Actor> => {
    const user = await createUser(database.prisma, { email, password: "team password 1" });
    return { userId: user.id, isAdmin: false };
  };

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    // Teams see their analysis during the contest here (the default waits for the end: tests/security/model-only-leaks.test.ts).
    contest = await createContest(database.prisma, store, { slug, queries: 12, settings: { publicFraction: "0.5", splitSeed: "7", submissionKinds: "results,model", teamAnalysis: "during" } });
    const actor = await newActor("team@analysis.test");
    team = { actor, id: (await createTeam(database.prisma, actor, slug, "Lens")).id };
    otherTeam = await newActor("other@analysis.test");
    await createTeam(database.prisma, otherTeam, slug, "Other");
    outsider = await newActor("outsider@analysis.test");

    const isPublic = splitQueries(contest.queries, split);
    publicQueries = contest.queries.filter((_, i) => isPublic[i] === 1);
    privateQueries = contest.queries.filter((_, i) => isPublic[i] === 0);
    // Query i lists its match first; public queries then name distractor-1, private ones distractor-2.
    const results = Object.fromEntries(contest.queries.map((query, i) => [query, [`g${i}.jpg`, isPublic[i] ? "distractor-1.png" : "distractor-2.jpg"]]));
    const outcome = await submitResults(database, store, {
      competitionId: contest.competition.id,
      teamId: team.id,
      userId: actor!.userId,
      channel: "API",
      bytes: new TextEncoder().encode(JSON.stringify(results)),
      fileName: "results.json",
    });
    if (outcome.kind !== "scored") throw new Error(outcome.kind);
    submissionId = outcome.submissionId;
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("shows the team its public queries only, with public numbers only", async () => {
    expect(publicQueries).toHaveLength(6);
    const result = await getSubmissionAnalysis(database.prisma, store, team.actor, slug, submissionId, options);
    if (!result.available) throw new Error(result.reason);
    expect(result.viewer).toBe("team");
    expect(result.analysis.rows.map((row) => row.query).sort()).toEqual([...publicQueries].sort());
    expect(result.analysis.summary).toMatchObject({ queries: 6, evaluated: 6, hits: { "1": 6, "5": 6, "10": 6 }, missed: 0 });
    expect(Object.keys(result.submission.scores)).toEqual(["public"]);
    const text = JSON.stringify(result);
    for (const name of privateQueries) expect(text).not.toContain(name);
    expect(text).not.toContain("distractor-2.jpg");
    expect(text).not.toContain("/hidden/");
  });

  it("shows the organizers every query with its split and correct matches", async () => {
    const result = await getSubmissionAnalysis(database.prisma, store, contest.organizer, slug, submissionId, options);
    if (!result.available) throw new Error(result.reason);
    expect(result.viewer).toBe("organizer");
    expect(result.analysis.rows.map((row) => row.query).sort()).toEqual([...contest.queries].sort());
    expect(result.analysis.summary.splits).toEqual({ public: 6, private: 6, notEvaluated: 0 });
    const row = result.analysis.rows.find((candidate) => candidate.query === privateQueries[0])!;
    expect(row).toMatchObject({ split: "private", firstHitRank: 1, matches: { count: 1 } });
    expect(Object.keys(result.submission.scores).sort()).toEqual(["all", "private", "public"]);
  });

  it("refuses anyone but the entry's team and the organizers", async () => {
    await expect(getSubmissionAnalysis(database.prisma, store, null, slug, submissionId, options)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(getSubmissionAnalysis(database.prisma, store, otherTeam, slug, submissionId, options)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getSubmissionAnalysis(database.prisma, store, outsider, slug, submissionId, options)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getAnalysisImage(database.prisma, store, otherTeam, slug, submissionId, { set: "query", name: publicQueries[0]! })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("serves the team thumbnails of its public queries and their listed gallery files, and nothing else", async () => {
    const image = (actor: Actor, set: "query" | "gallery", name: string) => getAnalysisImage(database.prisma, store, actor, slug, submissionId, { set, name });
    const thumbnail = await image(team.actor, "query", publicQueries[0]!);
    expect(thumbnail.contentType).toBe("image/webp");
    expect(thumbnail.body.subarray(0, 4).toString("latin1")).toBe("RIFF");
    // The second request is served from the stored thumbnail.
    expect((await image(team.actor, "query", publicQueries[0]!)).body.equals(thumbnail.body)).toBe(true);
    expect((await image(team.actor, "gallery", "distractor-1.png")).contentType).toBe("image/webp");
    const publicMatch = `g${contest.queries.indexOf(publicQueries[0]!)}.jpg`;
    const privateMatch = `g${contest.queries.indexOf(privateQueries[0]!)}.jpg`;
    expect((await image(team.actor, "gallery", publicMatch)).contentType).toBe("image/webp");
    for (const [set, name] of [
      ["query", privateQueries[0]!],
      ["gallery", privateMatch],
      ["gallery", "distractor-2.jpg"],
      ["query", "no-such-query.jpg"],
    ] as const) {
      await expect(image(team.actor, set, name), `${set} ${name}`).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/^no (query|gallery) image/) });
    }
    expect((await image(contest.organizer, "query", privateQueries[0]!)).contentType).toBe("image/webp");
    expect((await image(contest.organizer, "gallery", "distractor-2.jpg")).contentType).toBe("image/webp");
  });

  it("never shows a team gallery images when the competition is model-only", async () => {
    await database.prisma.competition.update({ where: { id: contest.competition.id }, data: { submissionKinds: ["MODEL"] } });
    try {
      const result = await getSubmissionAnalysis(database.prisma, store, team.actor, slug, submissionId, options);
      expect(result.galleryHidden).toBe(true);
      await expect(getAnalysisImage(database.prisma, store, team.actor, slug, submissionId, { set: "gallery", name: "distractor-1.png" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await getAnalysisImage(database.prisma, store, team.actor, slug, submissionId, { set: "query", name: publicQueries[0]! })).contentType).toBe("image/webp");
      const organizer = await getSubmissionAnalysis(database.prisma, store, contest.organizer, slug, submissionId, options);
      expect(organizer.galleryHidden).toBe(false);
      expect((await getAnalysisImage(database.prisma, store, contest.organizer, slug, submissionId, { set: "gallery", name: "distractor-1.png" })).contentType).toBe("image/webp");
    } finally {
      await database.prisma.competition.update({ where: { id: contest.competition.id }, data: { submissionKinds: ["RESULTS", "MODEL"] } });
    }
  });

  it("analyses a model entry from its generated top-10 file", async () => {
    // Every query's generated list puts its match third.
    const model = await scoredModelEntry(database.prisma, store, contest.competition.id, team.id, Object.fromEntries(contest.queries.map((query, i) => [query, ["distractor-1.png", "distractor-2.jpg", `g${i}.jpg`]])));
    const result = await getSubmissionAnalysis(database.prisma, store, team.actor, slug, model.id, options);
    if (!result.available) throw new Error(result.reason);
    expect(result.analysis.rows.map((row) => row.firstHitRank)).toEqual(publicQueries.map(() => 3));
    expect(JSON.stringify(result)).not.toContain(privateQueries[0]!);
  });

  it("explains why an invalid or waiting entry has no analysis", async () => {
    const invalid = await submitResults(database, store, {
      competitionId: contest.competition.id,
      teamId: team.id,
      userId: team.actor!.userId,
      channel: "API",
      bytes: new TextEncoder().encode(JSON.stringify({ "not-a-query.jpg": ["g0.jpg"] })),
      fileName: null,
    });
    expect(invalid.kind).toBe("invalid");
    const result = await getSubmissionAnalysis(database.prisma, store, team.actor, slug, invalid.submissionId, options);
    expect(result).toMatchObject({ available: false, reason: expect.stringMatching(/invalid, so there is nothing to analyse/) });
    await expect(getAnalysisImage(database.prisma, store, contest.organizer, slug, invalid.submissionId, { set: "query", name: publicQueries[0]! })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
