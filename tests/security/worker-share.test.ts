import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/open-database";
import { claimNextJob } from "../../lib/queue/jobs";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// A participant never waits on another team's models for longer than a bounded share of the workers (THREATS.md
// invariant 6): while another team's model job waits, a team with a model job running does not get a second one.

describe("a team's share of the workers", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void> | void)[] = [];
  const ids = { x: "", y: "", a: "", b: "", c: "" };

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("postgres", disposers));
    ids.x = (await createContest(database.prisma, store, { slug: "share-x", queries: 4, settings: { submissionKinds: "results,model" } })).competition.id;
    ids.y = (await createContest(database.prisma, store, { slug: "share-y", queries: 4, settings: { submissionKinds: "results,model" } })).competition.id;
    const team = async (slug: string, name: string) => {
      const user = await createUser(database.prisma, { email: `${name.toLowerCase()}@share.test`, password: "team password 1" });
      return (await createTeam(database.prisma, { userId: user.id, isAdmin: false }, slug, name)).id;
    };
    ids.a = await team("share-x", "Hoarders");
    ids.b = await team("share-y", "Waiters");
    ids.c = await team("share-y", "Busy");
  }, 120_000);
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const addJob = async (competitionId: string, teamId: string, state: "QUEUED" | "RUNNING" = "QUEUED") => {
    const job = await database.prisma.job.create({ data: { kind: "SCORE_MODEL", competitionId, teamId, state, ...(state === "RUNNING" ? { startedAt: new Date(), workerId: "elsewhere", leaseExpiresAt: new Date(Date.now() + 60_000) } : {}) } });
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times
    return job.id;
  };
  const claim = (workerId: string) => claimNextJob(database.sql, { workerId, kinds: ["SCORE_MODEL"], leaseSeconds: 30 });

  it("claims another team's waiting job before a second job of a team that already has one running", async () => {
    // Competition Y is busy: two of team C's models already run there, so the competition order favours X.
    await addJob(ids.y, ids.c, "RUNNING");
    await addJob(ids.y, ids.c, "RUNNING");
    const a = [await addJob(ids.x, ids.a), await addJob(ids.x, ids.a), await addJob(ids.x, ids.a)];
    const b = await addJob(ids.y, ids.b);
    const first = await claim("worker-1");
    const second = await claim("worker-2");
    expect(first?.id).toBe(a[0]);
    expect(second?.id).toBe(b);
    // Nobody else waits: team A may use a free worker.
    expect((await claim("worker-3"))?.id).toBe(a[1]);
  });
});
