import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/open-database";
import { type FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { handleLegacySubmission } from "../../lib/submissions/legacy-endpoint";
import { presentSubmission } from "../../lib/submissions/present-submission";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createApiToken } from "../../lib/auth/api-tokens";
import { updateCompetition } from "../../lib/competitions/manage-competitions";
import { competitionUpdateSchema } from "../../lib/competitions/competition-settings";
import { createContest, resultsFor } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";
import { DATABASE_KINDS } from "../helpers/services";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe.each(DATABASE_KINDS)("the results pipeline on %s", (kind) => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  let teamId = "";
  let userId = "";

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore(kind, disposers));
    contest = await createContest(database.prisma, store, { slug: `pipeline-${kind}`, settings: { dailyLimit: "3", publicFraction: "0.5", splitSeed: "11" } });
    const user = await createUser(database.prisma, { email: `team-${kind}@x.test`, password: "team password 1" });
    userId = user.id;
    teamId = (await createTeam(database.prisma, { userId, isAdmin: false }, contest.competition.slug, "Deep Thinkers")).id;
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const submit = (bytes: Uint8Array, now = new Date()) =>
    submitResults(database, store, { competitionId: contest.competition.id, teamId, userId, channel: "API", bytes, fileName: "r.json", now });

  it("stores the exact bytes, scores all three splits and records them", async () => {
    const bytes = encode(resultsFor(contest.queries, contest.gallery, [1, 3, 8, 0]));
    const outcome = await submit(bytes);
    expect(outcome.kind).toBe("scored");
    if (outcome.kind !== "scored") return;
    expect(outcome.splits.all.score).toBe(375);
    expect(outcome.splits.public.evaluated + outcome.splits.private.evaluated).toBe(12);
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId }, include: { scores: true } });
    expect(row.status).toBe("SCORED");
    expect(row.countsTowardQuota).toBe(true);
    expect(Buffer.from(await store.get(row.storageKey)).equals(Buffer.from(bytes))).toBe(true);
    expect(row.scores.map((score) => score.split).sort()).toEqual(["ALL", "PRIVATE", "PUBLIC"]);
    const view = presentSubmission(row, { showPrivate: false });
    expect(Object.keys(view.scores)).toEqual(["public"]);
  });

  it("records an invalid file as INVALID with its errors, without using quota", async () => {
    const outcome = await submit(encode({ "q0.jpg": ["nope.jpg"] }));
    expect(outcome.kind).toBe("invalid");
    if (outcome.kind !== "invalid") return;
    expect(outcome.errors.map((error) => error.code)).toEqual(["UNKNOWN_GALLERY", "MISSING_QUERIES"]);
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId } });
    expect(row.status).toBe("INVALID");
    expect(row.countsTowardQuota).toBe(false);
  });

  it("stops at the daily limit with the reset time in the competition's zone", async () => {
    const bytes = encode(resultsFor(contest.queries, contest.gallery, [2]));
    expect((await submit(bytes)).kind).toBe("scored");
    expect((await submit(bytes)).kind).toBe("scored");
    const refused = await submit(bytes);
    expect(refused.kind).toBe("quota");
    if (refused.kind === "quota") expect(refused.message).toMatch(/quota reached: 3 submissions per day; resets at/);
    // The next day in the competition's time zone starts afresh.
    expect((await submit(bytes, new Date(Date.now() + 24 * 3600 * 1000))).kind).toBe("scored");
  });

  it("refuses outside the schedule with the opening or closing time", async () => {
    const organizer = contest.organizer;
    await updateCompetition(database.prisma, organizer, contest.competition.slug, competitionUpdateSchema.parse({ startsAt: "2099-01-01T10:00:00Z", endsAt: "2099-01-02T10:00:00Z" }));
    await expect(submit(encode({}))).rejects.toThrow(/opens for submissions at 1 Jan 2099/);
    await updateCompetition(database.prisma, organizer, contest.competition.slug, competitionUpdateSchema.parse({ startsAt: "2000-01-01T10:00:00Z", endsAt: "2000-01-02T10:00:00Z" }));
    await expect(submit(encode({}))).rejects.toThrow(/closed for submissions at 2 Jan 2000/);
    await updateCompetition(database.prisma, organizer, contest.competition.slug, competitionUpdateSchema.parse({ startsAt: "none", endsAt: "none" }));
  });

  it("answers the legacy body in open, token and off modes", async () => {
    const slug = contest.competition.slug;
    const body = encode({ groupname: "Legacy Team", images: resultsFor(contest.queries, contest.gallery, [1]) });
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ legacyEndpoint: "off" }));
    expect(await handleLegacySubmission(database, store, { slug, body, token: null })).toMatchObject({ status: 404, text: expect.stringMatching(/endpoint is off/) });

    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ legacyEndpoint: "open" }));
    const opened = await handleLegacySubmission(database, store, { slug, body, token: null });
    expect(opened.status).toBe(200);
    expect(opened.json?.accuracy).toBeCloseTo((await database.prisma.score.findFirstOrThrow({ where: { split: "PUBLIC", team: { name: "Legacy Team" } } })).score, 2);
    expect(await database.prisma.team.count({ where: { competitionId: contest.competition.id, nameKey: "legacy team" } })).toBe(1);
    const invalid = await handleLegacySubmission(database, store, { slug, body: encode({ groupname: "legacy TEAM", images: { "q0.jpg": ["x"] } }), token: null });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toMatch(/names a file not in the gallery: query "q0\.jpg", position 1, "x"/);
    expect((await handleLegacySubmission(database, store, { slug, body: new TextEncoder().encode("not json"), token: null })).status).toBe(400);
    // The team comes from the leading groupname; a body broken after it is the team's invalid entry, kept with the
    // parser's message (not counted), rather than refused unrecorded.
    const brokenBody = new TextEncoder().encode('{"groupname": "Legacy Team", "images": {"q0.jpg": ["g');
    const broken = await handleLegacySubmission(database, store, { slug, body: brokenBody, token: null });
    expect(broken.status).toBe(422);
    expect(broken.text).toMatch(/line 1/i);
    expect(await database.prisma.submission.findFirstOrThrow({ where: { team: { nameKey: "legacy team" }, status: "INVALID" }, orderBy: { createdAt: "desc" } })).toMatchObject({ countsTowardQuota: false, sizeBytes: BigInt(brokenBody.length) });

    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ legacyEndpoint: "token" }));
    expect((await handleLegacySubmission(database, store, { slug, body, token: null })).status).toBe(401);
    const team = await database.prisma.team.findFirstOrThrow({ where: { competitionId: contest.competition.id, nameKey: "legacy team" } });
    const teamToken = await createApiToken(database.prisma, { userId, teamId: team.id, name: "team token" });
    const wrongToken = await createApiToken(database.prisma, { userId, teamId, name: "other team" });
    expect((await handleLegacySubmission(database, store, { slug, body, token: wrongToken.token })).status).toBe(403);
    expect((await handleLegacySubmission(database, store, { slug, body, token: teamToken.token })).status).toBe(200);
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ legacyEndpoint: "open" }));
  });
});
