import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell } from "../../lib/api/csv";
import { auditCsv, listAuditEvents } from "../../lib/audit/list-audit-events";
import type { Actor } from "../../lib/auth/actor";
import { competitionUpdateSchema } from "../../lib/competitions/competition-settings";
import { addOrganizer, updateCompetition } from "../../lib/competitions/manage-competitions";
import { activateDatasetVersion, runDatasetValidation } from "../../lib/datasets/dataset-versions";
import type { Database } from "../../lib/db/open-database";
import { revealPrivateLeaderboard } from "../../lib/leaderboards/get-leaderboard";
import { requireRevealConfirmation } from "../../lib/leaderboards/reveal-confirmation";
import { settings } from "../../lib/config/env";
import { disqualifyTeam } from "../../lib/organizers/disqualify-team";
import { runOneJob } from "../../lib/queue/run-jobs";
import { jobHandlers } from "../../lib/worker/job-handlers";
import { reinstateTeam } from "../../lib/organizers/reinstate-team";
import { rerunSubmission } from "../../lib/organizers/rerun-submission";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { setFinalSelection } from "../../lib/submissions/select-final";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { tarArchive, validDatasetEntries } from "../helpers/archives";
import { createContest, publicScoreOf, submitRanks } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";
import { uploadDatasetArchive } from "../helpers/upload";

// Issue 12, item 2: an organizer's power over a running contest, attacked.
// - A team re-picked its finals after the end, when private scores were already visible.
// - Changing the split seed, public fraction, weights, partial lists or dataset version silently re-meant every
//   score on the boards (THREATS.md invariant 4).
// - The reveal, which is final, took one click or one bare POST.
// - Organizer actions were recorded piecemeal, without before → after, and nobody could read the log (invariant 5).
// Realistic settings (helpers/contest.ts): a Los Angeles schedule, a freeze ahead, a public fraction of 0.5.

describe("organizer integrity", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  const slug = "integrity";
  const teams: Record<string, { actor: Actor; id: string }> = {};
  let outsider: Actor;

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    contest = await createContest(database.prisma, store, { slug, queries: 12, settings: { dailyLimit: "5" } });
    for (const name of ["Alpha", "Beta"]) {
      const user = await createUser(database.prisma, { email: `${name.toLowerCase()}@integrity.test`, password: "team password 1" });
      const actor: Actor = { userId: user.id, isAdmin: false };
      teams[name] = { actor, id: (await createTeam(database.prisma, actor, slug, name)).id };
    }
    const user = await createUser(database.prisma, { email: "outsider@integrity.test", password: "outsider password 1" });
    outsider = { userId: user.id, isAdmin: false };
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const services = () => ({ database, store });
  /** Runs the queued rescore jobs as a worker would; how many ran. */
  const runRescoreJobs = async () => {
    let ran = 0;
    while (await runOneJob({ sql: database.sql, workerId: "integrity-worker", leaseSeconds: 30, handlers: jobHandlers(database, store, settings(), ["RESCORE_ENTRY"]) })) ran++;
    return ran;
  };
  const submit = async (team: string, ranks: number[]) => (await submitRanks(database, store, contest, teams[team]!, ranks)).submissionId;
  const publicScore = async (submissionId: string) => {
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { scores: true } });
    return row.scores.find((score) => score.split === "PUBLIC" && score.datasetVersionId === row.datasetVersionId)!.score;
  };
  const competitionRow = () => database.prisma.competition.findUniqueOrThrow({ where: { id: contest.competition.id } });

  it("closes final selection at the end time, not at the reveal", async () => {
    const id = await submit("Alpha", [1, 3]);
    await setFinalSelection(database.prisma, teams.Alpha!.actor, slug, id, true);
    const endsAt = (await competitionRow()).endsAt!;
    // One second after the end: private scores are visible now, so a re-pick would be by private score.
    const after = new Date(endsAt.getTime() + 1000);
    await expect(setFinalSelection(database.prisma, teams.Alpha!.actor, slug, id, false, after)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/final selections closed when integrity ended at .*(PST|PDT)/),
    });
    expect((await database.prisma.submission.findUniqueOrThrow({ where: { id } })).selectedForFinal).toBe(true);
  });

  it("refuses a change of what scores mean under scored entries, naming the settings and how to confirm", async () => {
    await submit("Beta", [2]);
    const before = await competitionRow();
    for (const change of [{ splitSeed: "re-rolled" }, { publicFraction: "0.6" }, { weights: "1:1000" }, { allowPartial: "true" }, { splitSeed: "x", publicFraction: "0.3" }]) {
      const refusal = updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse(change), services());
      await expect(refusal).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/confirmRescore.*--confirm-rescore/) });
      await expect(refusal).rejects.toThrow(new RegExp(`changing ${Object.keys(change).join(", ")} changes what the \\d+ scored entries' scores mean`));
    }
    const after = await competitionRow();
    expect({ splitSeed: after.splitSeed, publicFraction: after.publicFraction, weights: after.scoringWeights, allowPartial: after.allowPartial }).toEqual({
      splitSeed: before.splitSeed,
      publicFraction: before.publicFraction,
      weights: before.scoringWeights,
      allowPartial: before.allowPartial,
    });
    // Settings that leave scores alone still change freely, and the same value again is no change.
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ title: "Integrity", splitSeed: before.splitSeed, publicFraction: "0.5" }), services());
  });

  it("rescores every entry when the organizer confirms, without touching quotas", async () => {
    const ids = [await submit("Alpha", [1, 0]), await submit("Beta", [5])];
    const quotaBefore = await database.prisma.submission.findMany({ where: { competitionId: contest.competition.id }, select: { id: true, countsTowardQuota: true, quotaDay: true }, orderBy: { id: "asc" } });
    const updated = await updateCompetition(database.prisma, contest.organizer, slug, { ...competitionUpdateSchema.parse({ splitSeed: "re-rolled" }), confirmRescore: true }, services());
    expect(updated.rescore).toEqual({ queued: 4, modelRuns: 0 });
    // Until their jobs have run, the entries are off the boards: no score of the old meaning stays shown.
    expect(await database.prisma.submission.count({ where: { competitionId: contest.competition.id, status: "QUEUED" } })).toBe(4);
    expect(await database.prisma.score.count({ where: { competitionId: contest.competition.id } })).toBe(0);
    expect(await runRescoreJobs()).toBe(4);
    const split = { splitSeed: "re-rolled", publicFraction: 0.5 };
    expect(await publicScore(ids[0]!)).toBeCloseTo(publicScoreOf(split, contest.queries, [1, 0]), 9);
    expect(await publicScore(ids[1]!)).toBeCloseTo(publicScoreOf(split, contest.queries, [5]), 9);
    expect(await database.prisma.submission.findMany({ where: { competitionId: contest.competition.id }, select: { id: true, countsTowardQuota: true, quotaDay: true }, orderBy: { id: "asc" } })).toEqual(quotaBefore);
    const [rescore, update] = await listAuditEvents(database.prisma, contest.organizer, slug, { limit: 2 });
    expect(rescore).toMatchObject({ action: "competition.rescore", actor: "organizer-integrity@contest.test", details: { settings: ["splitSeed"], queued: 4 } });
    expect(update).toMatchObject({ action: "competition.update", changes: { splitSeed: { before: "fixture", after: "re-rolled" } }, details: { rescoreConfirmed: true } });
  });

  it("refuses to switch the active dataset version under scored entries unless every entry is rescored against it", async () => {
    const entries = await validDatasetEntries(12);
    const truth = entries.find((entry) => entry.name === "ground_truth.json")!;
    truth.data = JSON.stringify({ ...JSON.parse(String(truth.data)), "q0.jpg": ["distractor-1.png"] });
    const started = await uploadDatasetArchive(database.prisma, store, contest.organizer, slug, "fixed.tar.gz", await tarArchive(entries, true));
    expect((await runDatasetValidation(database.prisma, store, started.versionId)).status).toBe("ready");
    await expect(activateDatasetVersion(database.prisma, contest.organizer, slug, 2, { services: services() })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/changing the active dataset version .*--confirm-rescore/),
    });
    expect((await competitionRow()).activeDatasetVersionId).not.toBe(started.versionId);

    const activated = await activateDatasetVersion(database.prisma, contest.organizer, slug, 2, { confirmRescore: true, services: services() });
    expect(activated).toMatchObject({ rescore: { queued: 4, modelRuns: 0 } });
    expect(await runRescoreJobs()).toBe(4);
    const scored = await database.prisma.submission.findMany({ where: { competitionId: contest.competition.id, status: "SCORED" } });
    expect(scored.every((row) => row.datasetVersionId === started.versionId)).toBe(true);
    const [, activation] = await listAuditEvents(database.prisma, contest.organizer, slug, { limit: 2 });
    expect(activation).toMatchObject({ action: "dataset.activate", changes: { activeDatasetVersion: { before: 1, after: 2 } } });
  });

  it("asks for an explicit confirmation before the reveal", () => {
    for (const body of [undefined, null, {}, { confirm: "yes" }, { confirm: false }, "confirm"]) {
      expect(() => requireRevealConfirmation(body), JSON.stringify(body)).toThrow(/confirm: .*send \{"confirm": true\}/);
    }
    expect(() => requireRevealConfirmation({ confirm: true })).not.toThrow();
  });

  it("records every organizer action with who, when and before → after, for organizers only", async () => {
    const colleague = await createUser(database.prisma, { email: "colleague@integrity.test", password: "colleague password 1" });
    await addOrganizer(database.prisma, contest.organizer, slug, "colleague@integrity.test");
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ dailyLimit: "7", teamSize: "3" }), services());
    await disqualifyTeam(database.prisma, { userId: colleague.id, isAdmin: false }, slug, teams.Beta!.id, "=HYPERLINK(\"http://evil.test\",\"shared labels\")");
    await reinstateTeam(database.prisma, contest.organizer, slug, teams.Beta!.id);
    // An entry whose scoring failed on our side, re-run by the organizers.
    const id = await submit("Beta", [1]);
    await database.prisma.submission.update({ where: { id }, data: { status: "FAILED" } });
    expect(await rerunSubmission(database, store, contest.organizer, slug, id)).toMatchObject({ kind: "rescored" });
    await revealPrivateLeaderboard(database.prisma, contest.organizer, slug);

    const log = await listAuditEvents(database.prisma, contest.organizer, slug);
    const actions = log.map((event) => event.action);
    for (const action of ["competition.create", "dataset.upload", "dataset.activate", "competition.update", "competition.rescore", "competition.add-organizer", "team.disqualify", "team.reinstate", "submission.rerun", "leaderboard.reveal"]) {
      expect(actions, action).toContain(action);
    }
    expect(log.every((event) => event.actor !== null && !Number.isNaN(Date.parse(event.at)))).toBe(true);
    const update = log.find((event) => event.action === "competition.update" && "dailyLimit" in event.changes)!;
    expect(update.changes).toEqual({ dailyLimit: { before: 5, after: 7 }, teamSize: { before: 5, after: 3 } });
    expect(log.find((event) => event.action === "team.disqualify")).toMatchObject({ actor: "colleague@integrity.test", changes: { disqualified: { before: null } } });
    expect(log.find((event) => event.action === "leaderboard.reveal")!.changes.revealedAt!.before).toBeNull();
    // Newest first.
    expect(actions[0]).toBe("leaderboard.reveal");

    // The export: a formula smuggled in through a reason is neutralised for spreadsheets.
    const csv = auditCsv(log);
    expect(csv.split("\n")[0]).toBe("at,actor,action,target_type,target_id,changes,details");
    expect(csv).toContain("disqualified: null → =HYPERLINK");
    expect(csv).not.toMatch(/(^|,)"?[=+\-@]/m);
    for (const [cell, neutral] of [
      ["=1+1", "'=1+1"],
      ["+SUM(A1)", "'+SUM(A1)"],
      ["-2+3", "'-2+3"],
      ["@cmd", "'@cmd"],
      ["=A1,B1", `"'=A1,B1"`],
      ["plain", "plain"],
    ]) {
      expect(csvCell(cell!)).toBe(neutral);
    }

    await expect(listAuditEvents(database.prisma, teams.Alpha!.actor, slug)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listAuditEvents(database.prisma, outsider, slug)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
