import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiToken } from "../../lib/auth/api-tokens";
import type { Actor } from "../../lib/auth/actor";
import type { Database } from "../../lib/db/open-database";
import { clientAddressOf } from "../../lib/rate-limits/client-address";
import { RATE_LIMITS, consumeRateLimit } from "../../lib/rate-limits/rate-limits";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { handleLegacySubmission, type LegacyRequest } from "../../lib/submissions/legacy-endpoint";
import { createTeam, joinTeamByInvite, leaveTeam, normalizeTeamName } from "../../lib/teams/create-team";
import { createTeamToken } from "../../lib/teams/team-tokens";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import { DATABASE_KINDS } from "../helpers/services";
import { databaseAndStore } from "../helpers/test-world";

// Attacks on the legacy endpoint's open mode (THREATS.md: a rival team posting in another's name; anyone on the
// internet flooding it), and on team names that only look different.

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("the legacy endpoint in open mode on PostgreSQL", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  let captain: Actor;
  let rival: Actor;
  const slug = "legacy-attacks";

  const post = (body: unknown, extra: Partial<LegacyRequest> = {}) =>
    handleLegacySubmission(database, store, { slug, body: body instanceof Uint8Array ? body : encode(body), token: null, clientAddress: "198.51.100.7", ...extra });
  const valid = (groupname: string) => ({ groupname, images: resultsFor(contest.queries, contest.gallery, [1, 3]) });
  const teamsNamed = (nameKey: string) => database.prisma.team.count({ where: { competitionId: contest.competition.id, nameKey } });

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("postgres", disposers));
    contest = await createContest(database.prisma, store, { slug, settings: { legacyEndpoint: "open", dailyLimit: "20" } });
    const user = await createUser(database.prisma, { email: "captain@legacy.test", password: "captain password 1" });
    captain = { userId: user.id, isAdmin: false };
    const other = await createUser(database.prisma, { email: "rival@legacy.test", password: "rival password 1" });
    rival = { userId: other.id, isAdmin: false };
    await createTeam(database.prisma, captain, slug, "TeamOne");
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("refuses a post in the name of a team with members unless it carries that team's token", async () => {
    const refused = await post(valid("TeamOne"));
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/team "TeamOne" has members, so it takes posts here only with its team token/);
    expect(await database.prisma.submission.count({ where: { team: { name: "TeamOne" } } })).toBe(0);

    // A rival's own team token is not TeamOne's.
    await createTeam(database.prisma, rival, slug, "Rivals");
    const rivalToken = await createTeamToken(database.prisma, rival, slug, "rival notebook");
    expect((await post(valid("TeamOne"), { token: rivalToken.token })).status).toBe(403);

    const token = await createTeamToken(database.prisma, captain, slug, "notebook");
    const accepted = await post(valid("TeamOne"), { token: token.token });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json?.accuracy).toBeGreaterThan(0);
  });

  it("compares names by their Unicode skeleton: a Cyrillic look-alike lands on the same team, and is refused", async () => {
    // "TeamОne" with a Cyrillic О, and full-width letters: the same skeleton as "TeamOne".
    for (const lookAlike of ["Team\u041Ene", "\uFF34\uFF45\uFF41\uFF4D\uFF2F\uFF4E\uFF45"]) {
      expect(normalizeTeamName(lookAlike).nameKey).toBe(normalizeTeamName("TeamOne").nameKey);
      const reply = await post(valid(lookAlike));
      expect(reply.status, reply.text).toBe(403);
      expect(reply.text).toMatch(/team "TeamOne" has members/);
    }
    expect(await teamsNamed("teamone")).toBe(1);
    const third = await createUser(database.prisma, { email: "third@legacy.test", password: "third password 1" });
    await expect(createTeam(database.prisma, { userId: third.id, isAdmin: false }, slug, "Team\u041Ene")).rejects.toThrow(/the team name "TeamOne" is taken/);
  });

  it("refuses names with invisible or text-direction characters, in the browser and on the legacy endpoint", async () => {
    for (const [name, reason] of [
      ["Team\u200BOne", /invisible \(zero-width\) characters/],
      ["Team\u2060One", /invisible/],
      ["\uFEFFTeamOne", /invisible/],
      ["Team\u202EenO", /text-direction control characters/],
      ["Team\u2067One", /text-direction/],
      ["Team\u200FOne", /text-direction/],
      ["Team\u061COne", /text-direction/],
    ] as const) {
      expect(() => normalizeTeamName(name), JSON.stringify(name)).toThrow(reason);
      const reply = await post(valid(name));
      expect(reply.status).toBe(400);
      expect(reply.text).toMatch(reason);
    }
    const user = await createUser(database.prisma, { email: "zw@legacy.test", password: "zw password 12" });
    await expect(createTeam(database.prisma, { userId: user.id, isAdmin: false }, slug, "Zero\u200DWidth")).rejects.toThrow(/invisible/);
  });

  it("creates no team for an invalid body, and one team for a valid first post", async () => {
    const invalid = await post({ groupname: "Never Made", images: { "q0.jpg": ["nope.jpg"] } });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toMatch(/names a file not in the gallery/);
    const broken = await post(new TextEncoder().encode('{"groupname": "Never Made", "images": {"q0.jpg": ["g'));
    expect(broken.status).toBe(422);
    expect((await post({ groupname: "Never Made", images: "not a map" })).status).toBe(422);
    expect(await teamsNamed("never made")).toBe(0);

    // A valid and an invalid first post racing, many times over: exactly one team, holding only the valid entry.
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i % 2 === 0 ? valid("Racers") : { groupname: "Racers", images: { "q0.jpg": ["x"] } }, { clientAddress: "203.0.113.9" })));
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 200, 200, 422, 422, 422]);
    expect(await teamsNamed("racers")).toBe(1);
    const team = await database.prisma.team.findFirstOrThrow({ where: { competitionId: contest.competition.id, nameKey: "racers" }, include: { members: true } });
    expect(team.members).toHaveLength(0);
  });

  it("limits new legacy teams per client address: the sixth in an hour is 429 with when to retry", async () => {
    const address = "192.0.2.44";
    for (let i = 0; i < RATE_LIMITS.legacyTeamsPerAddress.points; i++) expect((await post(valid(`Flood ${i}`), { clientAddress: address })).status).toBe(200);
    const refused = await post(valid("Flood extra"), { clientAddress: address });
    expect(refused.status).toBe(429);
    expect(refused.text).toMatch(/too many new teams from your address: at most 5 per hour; try again in \d+ minutes/);
    expect(refused.retryAfterSeconds).toBeGreaterThan(3000);
    expect(await teamsNamed("flood extra")).toBe(0);
    // Once spent, the limit refuses before the body is scored: the cheapest check first.
    expect((await post({ groupname: "Flood invalid", images: { "q0.jpg": ["x"] } }, { clientAddress: address })).status).toBe(429);
    // Entries of existing legacy teams are not new teams; another address is not limited by this one.
    expect((await post(valid("Flood 0"), { clientAddress: address })).status).toBe(200);
    expect((await post(valid("Flood extra"), { clientAddress: "192.0.2.45" })).status).toBe(200);
  });

  it("revokes the team tokens a member made when they leave the team", async () => {
    const user = await createUser(database.prisma, { email: "leaver@legacy.test", password: "leaver password 1" });
    const leaver: Actor = { userId: user.id, isAdmin: false };
    const team = await database.prisma.team.findFirstOrThrow({ where: { competitionId: contest.competition.id, nameKey: "teamone" } });
    await joinTeamByInvite(database.prisma, leaver, slug, team.inviteCode);
    const token = await createTeamToken(database.prisma, leaver, slug, "leaver's");
    expect((await post(valid("TeamOne"), { token: token.token })).status).toBe(200);
    await leaveTeam(database.prisma, leaver, slug);
    await expect(authenticateApiToken(database.prisma, token.token)).rejects.toThrow(/was revoked/);
    expect((await post(valid("TeamOne"), { token: token.token })).status).toBe(401);
  });
});

describe.each(DATABASE_KINDS)("rate limits through Prisma on %s", (kind) => {
  let database: Database;
  const disposers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    ({ database } = await databaseAndStore(kind, disposers));
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("counts exactly under concurrency and says when to retry", async () => {
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => consumeRateLimit(database.prisma, "legacyTeamsPerAddress", "competition:192.0.2.1")));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(5);
    const refused = verdicts.find((verdict) => !verdict.allowed);
    expect(refused && !refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(3500);
    expect((await consumeRateLimit(database.prisma, "legacyTeamsPerAddress", "competition:192.0.2.2")).allowed).toBe(true);
    expect(await database.prisma.rateLimiterFlexible.count()).toBe(2);
  });
});

describe("the client address", () => {
  it("takes x-forwarded-for's entry added by the outermost trusted proxy, never a client's claim further left", () => {
    // No trusted proxy: Next writes the socket address when the client sent none.
    expect(clientAddressOf("127.0.0.1", 0)).toBe("127.0.0.1");
    expect(clientAddressOf("::ffff:10.0.0.5", 0)).toBe("10.0.0.5");
    expect(clientAddressOf(null, 0)).toBe("unknown");
    // One proxy (CloudFront, a load balancer) appends what it saw: the client's own claim on the left is ignored.
    expect(clientAddressOf("6.6.6.6, 203.0.113.5", 1)).toBe("203.0.113.5");
    expect(clientAddressOf("6.6.6.6, 203.0.113.5, 10.0.0.2", 2)).toBe("203.0.113.5");
    expect(clientAddressOf("203.0.113.5", 2)).toBe("203.0.113.5");
  });
});
