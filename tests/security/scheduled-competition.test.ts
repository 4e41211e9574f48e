import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { hashPassword } from "../../lib/auth/password";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { revealPrivateLeaderboard } from "../../lib/leaderboards/get-leaderboard";
import { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { formatTime } from "../../lib/time/format-time";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import { HttpSession } from "../helpers/http-session";
import { startNextServer, type RunningServer } from "../helpers/next-server";
import { createPostgresDatabase } from "../helpers/services";

// Issue 12, item 0: as soon as a competition had a start or an end, /c/{slug} answered 500 to everyone — the page
// asked Intl.DateTimeFormat for dateStyle with timeZoneName, which it refuses. Every real contest has a schedule;
// no test set one. Here two realistic contests, each with a schedule in a non-UTC zone, a freeze and a 0.5 split —
// one frozen and unrevealed, one revealed — are shown to a visitor, a participant and an organizer, and every time
// on their pages must be in the competition's zone with its abbreviation.

const PASSWORD = "violet harbour lantern 42";

/** One contest, its zone, and the schedule's instants with how a person must see them there. */
const NEW_YORK = {
  slug: "sched-new-york",
  timeZone: "America/New_York",
  startsAt: "2026-01-15T14:00:00Z",
  endsAt: "2030-06-01T16:30:00Z",
  freezeAt: "2026-10-20T15:45:00Z",
  shown: { startsAt: "15 Jan 2026, 09:00 EST", endsAt: "1 Jun 2030, 12:30 EDT", freezeAt: "20 Oct 2026, 11:45 EDT" },
};
const KOLKATA = {
  slug: "sched-kolkata",
  timeZone: "Asia/Kolkata",
  startsAt: "2026-02-01T03:30:00Z",
  endsAt: "2031-03-01T12:00:00Z",
  freezeAt: "2030-12-31T18:29:00Z",
  shown: { startsAt: "1 Feb 2026, 09:00 GMT+5:30", endsAt: "1 Mar 2031, 17:30 GMT+5:30", freezeAt: "31 Dec 2030, 23:59 GMT+5:30" },
};

describe("a competition with a schedule in a non-UTC time zone", () => {
  let server: RunningServer;
  let database: Database;
  let work: string;
  let dropDatabase: () => Promise<void>;
  /** anonymous, participant (in a team of both contests) and organizer:<slug> (organizes that contest only). */
  const sessions: Record<string, HttpSession> = {};
  const submissionIds: Record<string, string> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "podium-schedule-"));
    const created = await createPostgresDatabase();
    dropDatabase = created.drop;
    database = await openDatabase({ database: { kind: "postgres", url: created.url, dataDir: "" }, migrate: true });
    server = await startNextServer({ DATABASE_URL: created.url, PODIUM_DATA_DIR: join(work, "data"), PODIUM_SECRET: "schedule-secret", S3_BUCKET: "" });
    const store = new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: server.url, secret: "schedule-secret" });

    const participantUser = await createUser(database.prisma, { email: "participant@schedule.test", password: PASSWORD });
    const participant: Actor = { userId: participantUser.id, isAdmin: false };
    for (const contest of [NEW_YORK, KOLKATA]) {
      const made = await createContest(database.prisma, store, {
        slug: contest.slug,
        settings: { timeZone: contest.timeZone, startsAt: contest.startsAt, endsAt: contest.endsAt, freezeAt: contest.freezeAt, leaderboard: "frozen", publicFraction: 0.5, splitSeed: "schedule" },
      });
      const team = await createTeam(database.prisma, participant, contest.slug, "Night Owls");
      const outcome = await submitResults(database, store, {
        competitionId: made.competition.id,
        teamId: team.id,
        userId: participant!.userId,
        channel: "API",
        bytes: new TextEncoder().encode(JSON.stringify(resultsFor(made.queries, made.gallery, [1, 2, 0]))),
        fileName: null,
      });
      expect(outcome.kind).toBe("scored");
      submissionIds[contest.slug] = outcome.submissionId;
      if (contest === KOLKATA) await revealPrivateLeaderboard(database.prisma, made.organizer, contest.slug);
      // createContest's organizer of this contest, signed in with a password of ours.
      const organizerUser = await database.prisma.user.update({ where: { id: made.organizer!.userId }, data: { passwordHash: await hashPassword(PASSWORD) } });
      sessions[`organizer:${contest.slug}`] = new HttpSession(server.url);
      await sessions[`organizer:${contest.slug}`]!.signIn(organizerUser.email!, PASSWORD);
    }
    sessions.anonymous = new HttpSession(server.url);
    sessions.participant = new HttpSession(server.url);
    await sessions.participant.signIn("participant@schedule.test", PASSWORD);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
    await dropDatabase?.();
    rmSync(work, { recursive: true, force: true });
  });

  async function page(who: string, path: string): Promise<string> {
    const response = await sessions[who]!.fetch(path);
    const html = await response.text();
    expect(response.status, `${who} GET ${path}:\n${response.status === 500 ? server.output().slice(-2000) : html.slice(0, 500)}`).toBe(200);
    return html;
  }

  for (const contest of [NEW_YORK, KOLKATA]) {
    it(`shows ${contest.slug}'s schedule in ${contest.timeZone} to a visitor, a participant and an organizer`, async () => {
      for (const who of ["anonymous", "participant", `organizer:${contest.slug}`]) {
        const html = await page(who, `/c/${contest.slug}`);
        expect(html, who).toContain(contest.shown.startsAt);
        expect(html, who).toContain(contest.shown.endsAt);
        // The frozen board's freeze time, announced in the overview (and, once passed, over the board).
        expect(html, who).toContain(contest.shown.freezeAt);
        expect(html, who).not.toContain("Invalid Date");
      }
      // The landing page's card says when the contest closes, in its zone.
      expect(await page("anonymous", "/")).toContain(`closes ${contest.shown.endsAt}`);
    });

    it(`shows ${contest.slug}'s submission times in ${contest.timeZone} to the team and the organizer`, async () => {
      const submission = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionIds[contest.slug] } });
      const shown = formatTime(submission.createdAt, contest.timeZone, { seconds: true });
      expect(shown).toMatch(contest.timeZone === "Asia/Kolkata" ? /GMT\+5:30$/ : /E[SD]T$/);
      expect(await page("participant", `/c/${contest.slug}/entries`)).toContain(shown);
      expect(await page("participant", `/c/${contest.slug}/submissions/${submission.id}`)).toContain(shown);
      expect(await page(`organizer:${contest.slug}`, `/c/${contest.slug}/manage`)).toContain(shown);
    });
  }

  it("shows the freeze of the frozen board in the competition's zone", async () => {
    // The freeze has passed in New York: participants see the board as it was then, and when that was.
    for (const who of ["anonymous", "participant"]) expect(await page(who, `/c/${NEW_YORK.slug}/leaderboard`), who).toContain(`Frozen at ${NEW_YORK.shown.freezeAt}`);
    const manage = await page(`organizer:${NEW_YORK.slug}`, `/c/${NEW_YORK.slug}/manage`);
    expect(manage).toContain(NEW_YORK.shown.startsAt);
    expect(manage).toContain(NEW_YORK.shown.freezeAt);
  });

  it("shows the reveal and the revealed private board's times in the competition's zone", async () => {
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: KOLKATA.slug } });
    const submission = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionIds[KOLKATA.slug] } });
    const visitor = await page("anonymous", `/c/${KOLKATA.slug}/leaderboard`);
    expect(visitor).toContain('data-testid="leaderboard-private"');
    // The board's "best entry" column: the time of the team's best entry, in Kolkata.
    expect(visitor).toContain(formatTime(submission.createdAt, KOLKATA.timeZone, { seconds: true }));
    expect(await page(`organizer:${KOLKATA.slug}`, `/c/${KOLKATA.slug}/manage`)).toContain(formatTime(competition.revealedAt!, KOLKATA.timeZone, { seconds: true }));
  });
});
