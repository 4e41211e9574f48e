import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { activateDatasetVersion, runDatasetValidation } from "../../lib/datasets/dataset-versions";
import type { Database } from "../../lib/db/open-database";
import { getLeaderboard } from "../../lib/leaderboards/get-leaderboard";
import { disqualifyTeam } from "../../lib/organizers/disqualify-team";
import { getCompetitionQueue } from "../../lib/organizers/get-competition-queue";
import { listCompetitionSubmissions, submissionFiltersSchema } from "../../lib/organizers/list-competition-submissions";
import { listCompetitionTeams } from "../../lib/organizers/list-competition-teams";
import { reinstateTeam } from "../../lib/organizers/reinstate-team";
import { rerunSubmission } from "../../lib/organizers/rerun-submission";
import { claimNextJob, completeJob, heartbeatJob } from "../../lib/queue/jobs";
import type { JobNotice } from "../../lib/queue/wake-up";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { tarArchive, validDatasetEntries } from "../helpers/archives";
import { createContest, submitRanks } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";
import { uploadDatasetArchive } from "../helpers/upload";

// The organizer dashboard's domain: disqualify and re-instate, re-run entries against a corrected dataset version,
// the queue with live progress, and every submission filtered — each organizer action audited.

describe("organizer tools", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  const slug = "organizing";
  const teams: Record<string, { actor: Actor; id: string }> = {};
  let versionOne = "";

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    contest = await createContest(database.prisma, store, { slug, queries: 12, settings: { publicFraction: "0.5", splitSeed: "3", submissionKinds: "results,model" } });
    versionOne = (await database.prisma.competition.findUniqueOrThrow({ where: { id: contest.competition.id } })).activeDatasetVersionId!;
    for (const name of ["Alpha", "Beta"]) {
      const user = await createUser(database.prisma, { email: `${name.toLowerCase()}@organizing.test`, password: "team password 1" });
      const actor: Actor = { userId: user.id, isAdmin: false };
      teams[name] = { actor, id: (await createTeam(database.prisma, actor, slug, name)).id };
    }
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const submit = async (team: string, ranks: number[]) => (await submitRanks(database, store, contest, teams[team]!, ranks)).submissionId;
  const auditActions = async (targetId: string) => (await database.prisma.auditEvent.findMany({ where: { targetId }, orderBy: { createdAt: "asc" } })).map((event) => event.action);
  const modelEntry = (team: string, status: "SCORED" | "FAILED" | "QUEUED", countsTowardQuota: boolean) =>
    database.prisma.submission.create({
      data: {
        competitionId: contest.competition.id,
        teamId: teams[team]!.id,
        datasetVersionId: versionOne,
        kind: "MODEL",
        channel: "API",
        status,
        countsTowardQuota,
        storageKey: `submissions/${contest.competition.id}/${teams[team]!.id}/model.onnx`,
        sha256: "0".repeat(64),
        sizeBytes: 1n,
        quotaDay: "2026-12-01",
        finishedAt: status === "QUEUED" ? null : new Date(),
      },
    });

  describe("disqualifyTeam and reinstateTeam", () => {
    it("take a team off the boards and stop its submissions until it is re-instated, audited", async () => {
      await submit("Alpha", [1]);
      await submit("Beta", [2]);
      const boardTeams = async () => (await getLeaderboard(database.prisma, contest.organizer, slug, "public")).rows.map((row) => row.team);
      expect(await boardTeams()).toEqual(["Alpha", "Beta"]);

      const disqualified = await disqualifyTeam(database.prisma, contest.organizer, slug, teams.Alpha!.id, "  shared labels with Beta  ");
      expect(disqualified.disqualifiedReason).toBe("shared labels with Beta");
      expect(await boardTeams()).toEqual(["Beta"]);
      await expect(submit("Alpha", [1])).rejects.toThrow(/team "Alpha" was disqualified: shared labels with Beta/);
      expect((await listCompetitionTeams(database.prisma, contest.organizer, slug)).find((team) => team.name === "Alpha")).toMatchObject({ disqualifiedReason: "shared labels with Beta", submissions: 1, members: 1 });
      await expect(disqualifyTeam(database.prisma, contest.organizer, slug, teams.Alpha!.id, "again")).rejects.toMatchObject({ code: "CONFLICT" });

      await reinstateTeam(database.prisma, contest.organizer, slug, teams.Alpha!.id);
      expect(await boardTeams()).toEqual(["Alpha", "Beta"]);
      await expect(reinstateTeam(database.prisma, contest.organizer, slug, teams.Alpha!.id)).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await auditActions(teams.Alpha!.id)).toEqual(["team.disqualify", "team.reinstate"]);
      const event = await database.prisma.auditEvent.findFirstOrThrow({ where: { targetId: teams.Alpha!.id, action: "team.reinstate" } });
      expect(event).toMatchObject({ actorId: contest.organizer!.userId, competitionId: contest.competition.id, data: { team: "Alpha", previousReason: "shared labels with Beta" } });
    });

    it("are for organizers only and need a reason", async () => {
      await expect(disqualifyTeam(database.prisma, teams.Beta!.actor, slug, teams.Alpha!.id, "rival")).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(disqualifyTeam(database.prisma, null, slug, teams.Alpha!.id, "rival")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      await expect(reinstateTeam(database.prisma, teams.Beta!.actor, slug, teams.Alpha!.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(disqualifyTeam(database.prisma, contest.organizer, slug, teams.Alpha!.id, "   ")).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/give a reason/) });
      await expect(disqualifyTeam(database.prisma, contest.organizer, slug, "no-such-team", "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });

  describe("rerunSubmission", () => {
    it("re-scores a results file against a new dataset version, adding scores and changing nothing twice", async () => {
      const id = await submit("Beta", [1]);
      // The same version: a no-op.
      expect(await rerunSubmission(database, store, contest.organizer, slug, id)).toMatchObject({ kind: "unchanged", version: 1 });
      expect(await database.prisma.score.count({ where: { submissionId: id } })).toBe(3);

      // A ground-truth fix: q0's match is really distractor-1.png, so this entry's first answer for q0 is now wrong.
      const entries = await validDatasetEntries(12);
      const truth = entries.find((entry) => entry.name === "ground_truth.json")!;
      truth.data = JSON.stringify({ ...JSON.parse(String(truth.data)), "q0.jpg": ["distractor-1.png"] });
      const started = await uploadDatasetArchive(database.prisma, store, contest.organizer, slug, "fixed.tar.gz", await tarArchive(entries, true));
      expect((await runDatasetValidation(database.prisma, store, started.versionId)).status).toBe("ready");
      // Scored entries exist, so switching versions needs a confirmed rescore of every entry (covered in
      // tests/security/organizer-integrity.test.ts); here the version is switched underneath to re-run one entry.
      await expect(activateDatasetVersion(database.prisma, contest.organizer, slug, 2)).rejects.toMatchObject({ code: "CONFLICT" });
      await database.prisma.competition.update({ where: { id: contest.competition.id }, data: { activeDatasetVersionId: started.versionId } });

      const outcome = await rerunSubmission(database, store, contest.organizer, slug, id);
      expect(outcome).toMatchObject({ kind: "rescored", version: 2 });
      if (outcome.kind !== "rescored") throw new Error();
      expect(outcome.splits.all.score).toBeCloseTo((11 * 1000) / 12, 9);
      const scores = await database.prisma.score.findMany({ where: { submissionId: id } });
      expect(scores).toHaveLength(6);
      expect(scores.filter((score) => score.datasetVersionId === started.versionId && score.split === "ALL")[0]!.score).toBeCloseTo((11 * 1000) / 12, 9);
      expect(scores.filter((score) => score.datasetVersionId === versionOne && score.split === "ALL")[0]!.score).toBe(1000);
      const row = await database.prisma.submission.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ status: "SCORED", datasetVersionId: started.versionId, countsTowardQuota: true });

      expect(await rerunSubmission(database, store, contest.organizer, slug, id)).toMatchObject({ kind: "unchanged", version: 2 });
      expect(await database.prisma.score.count({ where: { submissionId: id } })).toBe(6);
      expect(await auditActions(id)).toEqual(["submission.rerun"]);
      // The organizers' list shows the scores of the version the entry now stands on.
      const listed = await listCompetitionSubmissions(database.prisma, contest.organizer, slug, submissionFiltersSchema.parse({}));
      expect(listed.submissions.find((submission) => submission.id === id)).toMatchObject({ datasetVersion: 2, scores: { all: outcome.splits.all.score } });
    });

    it("puts a model back in the queue with a new job, without touching its quota count", async () => {
      const notices: JobNotice[] = [];
      const wakeUp = { kind: "local" as const, notify: async (notice: JobNotice) => void notices.push(notice) };
      const scored = await modelEntry("Beta", "SCORED", true);
      const failed = await modelEntry("Beta", "FAILED", false);
      const activeVersion = (await database.prisma.competition.findUniqueOrThrow({ where: { id: contest.competition.id } })).activeDatasetVersionId;
      for (const [entry, counts] of [
        [scored, true],
        [failed, false],
      ] as const) {
        const outcome = await rerunSubmission(database, store, contest.organizer, slug, entry.id, { wakeUp });
        expect(outcome).toMatchObject({ kind: "queued", version: 2 });
        const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: entry.id } });
        expect(row).toMatchObject({ status: "QUEUED", countsTowardQuota: counts, datasetVersionId: activeVersion, finishedAt: null, error: null });
        const jobs = await database.prisma.job.findMany({ where: { submissionId: entry.id } });
        expect(jobs).toMatchObject([{ kind: "SCORE_MODEL", state: "QUEUED", datasetVersionId: activeVersion, teamId: teams.Beta!.id }]);
        expect(await auditActions(entry.id)).toEqual(["submission.rerun"]);
      }
      expect(notices.map((notice) => notice.submissionId)).toEqual([scored.id, failed.id]);
      // Already queued now: a second re-run is refused.
      await expect(rerunSubmission(database, store, contest.organizer, slug, scored.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/still waiting/) });
    });

    it("refuses entries refused by the quota, other competitions' entries and non-organizers", async () => {
      const id = await submit("Beta", [3]);
      await database.prisma.submission.update({ where: { id }, data: { status: "CANCELLED", countsTowardQuota: false } });
      await expect(rerunSubmission(database, store, contest.organizer, slug, id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/get around the quota/) });
      await expect(rerunSubmission(database, store, teams.Beta!.actor, slug, id)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(rerunSubmission(database, store, contest.organizer, slug, "no-such-entry")).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });

  describe("getCompetitionQueue", () => {
    it("shows queued jobs with their place, then the running job's live progress, worker and attempt", async () => {
      await expect(getCompetitionQueue(database.prisma, teams.Beta!.actor, slug)).rejects.toMatchObject({ code: "FORBIDDEN" });
      const waiting = await getCompetitionQueue(database.prisma, contest.organizer, slug);
      expect(waiting.running).toEqual([]);
      expect(waiting.queued.map((job) => [job.kind, job.team, job.queue?.position, job.queue?.ahead])).toEqual([
        ["score model", "Beta", 1, 0],
        ["score model", "Beta", 2, 1],
      ]);
      expect(waiting.recent.map((job) => job.kind)).toContain("validate dataset");

      const claimed = await claimNextJob(database.sql, { workerId: "gpu-7", kinds: ["SCORE_MODEL"], leaseSeconds: 60 });
      expect(claimed).not.toBeNull();
      await heartbeatJob(database.sql, claimed!.id, "gpu-7", 60, { phase: "embedding gallery", done: 40, total: 120, etaSeconds: 12 });
      const running = await getCompetitionQueue(database.prisma, contest.organizer, slug);
      expect(running.running).toMatchObject([{ id: claimed!.id, state: "running", workerId: "gpu-7", attempts: 1, maxAttempts: 3, progress: { phase: "embedding gallery", done: 40, total: 120, etaSeconds: 12 } }]);
      expect(running.queued.map((job) => job.queue?.position)).toEqual([1]);
      await completeJob(database.sql, claimed!.id, "gpu-7");
      expect((await getCompetitionQueue(database.prisma, contest.organizer, slug)).recent[0]).toMatchObject({ id: claimed!.id, state: "succeeded" });
    });
  });

  describe("listCompetitionSubmissions", () => {
    it("filters by status, kind, team and team name, and pages", async () => {
      const list = (filters: Record<string, string>) => listCompetitionSubmissions(database.prisma, contest.organizer, slug, submissionFiltersSchema.parse(filters));
      const all = await list({});
      expect(all.total).toBe((await database.prisma.submission.count({ where: { competitionId: contest.competition.id } })));
      expect((await list({ kind: "model" })).submissions.every((row) => row.kind === "model")).toBe(true);
      expect((await list({ kind: "model" })).total).toBe(2);
      expect((await list({ status: "cancelled" })).submissions.map((row) => row.status)).toEqual(["cancelled"]);
      expect((await list({ team: teams.Alpha!.id })).submissions.map((row) => row.team.name)).toEqual(["Alpha"]);
      expect((await list({ q: "alp" })).total).toBe(1);
      expect((await list({ q: "ETA" })).total).toBe(all.total - 1);
      expect((await list({ q: "nobody" })).submissions).toEqual([]);
      // Blank or nonsense filters are ignored.
      expect((await list({ status: "", kind: "video", team: "" })).total).toBe(all.total);
      const paged = await list({ pageSize: "2", page: "2" });
      expect(paged).toMatchObject({ page: 2, pageSize: 2, pageCount: Math.ceil(all.total / 2) });
      expect(paged.submissions.map((row) => row.id)).toEqual(all.submissions.slice(2, 4).map((row) => row.id));
      expect((await list({ pageSize: "2", page: "999" })).page).toBe(Math.ceil(all.total / 2));
      const cancelled = (await list({ status: "cancelled" })).submissions[0]!;
      expect(cancelled.rerunRefusal).toMatch(/quota/);
      await expect(listCompetitionSubmissions(database.prisma, teams.Alpha!.actor, slug, submissionFiltersSchema.parse({}))).rejects.toMatchObject({ code: "FORBIDDEN" });
    });
  });
});
