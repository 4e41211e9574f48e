import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiToken, createApiToken, listApiTokens, revokeApiToken } from "../../lib/auth/api-tokens";
import { competitionRoleOf, type Actor } from "../../lib/auth/actor";
import { verifyPassword } from "../../lib/auth/password";
import { competitionCreateSchema, competitionUpdateSchema, presentCompetition } from "../../lib/competitions/competition-settings";
import { addOrganizer, createCompetition, updateCompetition } from "../../lib/competitions/manage-competitions";
import { activateDatasetVersion, listDatasetVersions, participantBundleUrl, runDatasetValidation } from "../../lib/datasets/dataset-versions";
import type { Database } from "../../lib/db/open-database";
import { createUser, newUserSchema } from "../../lib/users/create-user";
import type { BlobStore } from "../../lib/storage/blob-store";
import { readArchiveEntries } from "../../lib/datasets/archive-entries";
import { bufferSource, makeImage, tarArchive, validDatasetEntries, zipArchive } from "../helpers/archives";
import { servedFolderStore } from "../helpers/serve-request-handler";
import { createS3Store, openTestDatabase } from "../helpers/services";
import { uploadDatasetArchive } from "../helpers/upload";

const folderStore = () => servedFolderStore("secret");

async function readZipNames(bytes: Buffer): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of readArchiveEntries(bufferSource(bytes), "zip")) names.push(entry.path);
  return names.sort();
}

describe.each([
  ["PGlite + folder storage", "pglite", folderStore],
  ["PostgreSQL + S3 (Ceph RGW)", "postgres", async () => { const created = await createS3Store(); return { store: created.store as BlobStore, dispose: created.dispose }; }],
] as const)("organizers on %s", (_name, kind, makeStore) => {
  let database: Database;
  let store: BlobStore;
  const disposers: (() => Promise<void>)[] = [];
  const actors: Record<string, Actor> = {};

  beforeAll(async () => {
    const db = await openTestDatabase(kind);
    database = db.database;
    disposers.push(db.dispose);
    const made = await makeStore();
    store = made.store;
    disposers.push(made.dispose);
    for (const [role, admin] of [["organizer", false], ["colleague", false], ["participant", false], ["outsider", false], ["admin", true]] as const) {
      const user = await createUser(database.prisma, newUserSchema.parse({ email: `${role}@example.org`, password: "correct horse battery", isAdmin: admin }));
      actors[role] = { userId: user.id, isAdmin: admin };
    }
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("hashes passwords with scrypt and refuses a second account for an e-mail", async () => {
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: "organizer@example.org" }, omit: { passwordHash: false } });
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", user.passwordHash)).toBe(true);
    expect(await verifyPassword("wrong horse battery", user.passwordHash)).toBe(false);
    await expect(createUser(database.prisma, newUserSchema.parse({ email: "ORGANIZER@example.org ", password: "another password" }))).rejects.toThrow(/an account for organizer@example\.org already exists/);
    expect(newUserSchema.safeParse({ email: "nope", password: "short" }).error?.issues.map((i) => i.message)).toEqual(["is not a valid e-mail address", "must have at least 8 characters"]);
  });

  it("issues API tokens shown once, stored hashed, recording their last use, revocable", async () => {
    const created = await createApiToken(database.prisma, { userId: actors.organizer!.userId, name: "laptop" });
    expect(created.token).toMatch(/^pod_[A-Za-z0-9_-]{32}$/);
    const stored = await database.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id }, omit: { tokenHash: false } });
    expect(stored.tokenHash).not.toContain(created.token);
    expect(stored.lastUsedAt).toBeNull();
    const owner = await authenticateApiToken(database.prisma, created.token);
    expect(owner.userId).toBe(actors.organizer!.userId);
    expect((await listApiTokens(database.prisma, actors.organizer!.userId))[0]?.lastUsedAt).not.toBeNull();
    await revokeApiToken(database.prisma, actors.organizer!.userId, created.id);
    await expect(authenticateApiToken(database.prisma, created.token)).rejects.toThrow(/was revoked on/);
    await expect(authenticateApiToken(database.prisma, "pod_made_up")).rejects.toThrow(/unknown API token/);
    await expect(revokeApiToken(database.prisma, actors.outsider!.userId, created.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lets organizers create and configure a competition, co-organizers join by e-mail, and nobody else", async () => {
    const input = competitionCreateSchema.parse({
      slug: `faces-${kind}`,
      title: "Photo → portrait retrieval",
      timeZone: "Europe/Berlin",
      startsAt: "2026-12-01T14:00:00+01:00",
      endsAt: "2026-12-01T16:00:00+01:00",
      publicFraction: "0.5",
      splitSeed: "7",
      dailyLimit: "5",
      totalLimit: "100",
      legacyEndpoint: "open",
      submissionKinds: "results,model",
    });
    const competition = await createCompetition(database.prisma, actors.organizer!, input);
    expect(competition.timeZone).toBe("Europe/Berlin");
    expect(competition.startsAt?.toISOString()).toBe("2026-12-01T13:00:00.000Z");
    expect(competition.scoringWeights).toEqual([{ k: 1, weight: 600 }, { k: 5, weight: 300 }, { k: 10, weight: 100 }]);
    expect(await competitionRoleOf(database.prisma, actors.organizer!, competition.id)).toBe("organizer");
    expect(await competitionRoleOf(database.prisma, actors.outsider!, competition.id)).toBe("none");

    await expect(updateCompetition(database.prisma, actors.colleague!, competition.slug, { title: "hijacked" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await addOrganizer(database.prisma, actors.organizer!, competition.slug, "colleague@example.org");
    const updated = await updateCompetition(database.prisma, actors.colleague!, competition.slug, competitionUpdateSchema.parse({ weights: "1:500,10:500", leaderboard: "frozen", freezeAt: "2026-12-01T15:30:00Z" }));
    expect(updated.scoringWeights).toEqual([{ k: 1, weight: 500 }, { k: 10, weight: 500 }]);
    expect(updated.leaderboardVisibility).toBe("FROZEN");
    await expect(updateCompetition(database.prisma, actors.organizer!, competition.slug, { legacyDefault: true })).rejects.toThrow(/only a platform admin/);
    await updateCompetition(database.prisma, actors.admin!, competition.slug, { legacyDefault: true });
    await expect(updateCompetition(database.prisma, actors.organizer!, competition.slug, competitionUpdateSchema.parse({ endsAt: "2026-11-30T00:00:00Z" }))).rejects.toThrow(/must be after startsAt/);
    await expect(createCompetition(database.prisma, actors.outsider!, competitionCreateSchema.parse({ slug: competition.slug, title: "dup" }))).rejects.toThrow(/slug "faces-.*" is taken/);
    await expect(createCompetition(database.prisma, null, competitionCreateSchema.parse({ slug: "anon", title: "x" }))).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const publicView = presentCompetition(updated, "public");
    expect(publicView).not.toHaveProperty("splitSeed");
    expect(presentCompetition(updated, "organizer")).toMatchObject({ splitSeed: "7", weights: "1:500,10:500" });
  });

  it("explains bad settings by name", () => {
    const result = competitionUpdateSchema.safeParse({ timeZone: "Mars/Olympus", startsAt: "2026-12-01 14:00", publicFraction: "1.5", legacyEndpoint: "maybe", weights: "1:600,1:300", submissionKinds: "results,video", modelSizeLimit: "lots" });
    const messages = Object.fromEntries(result.error!.issues.map((issue) => [issue.path.join("."), issue.message]));
    expect(messages.timeZone).toMatch(/IANA time zone/);
    expect(messages.startsAt).toMatch(/ISO 8601 time with a zone offset/);
    expect(messages.publicFraction).toMatch(/between 0 and 1/);
    expect(messages.legacyEndpoint).toMatch(/off, open or token/);
    expect(messages.weights).toMatch(/k=1 appears twice/);
    expect(messages.submissionKinds).toMatch(/unknown submission kind "video"/);
    expect(messages.modelSizeLimit).toMatch(/not a size/);
  });

  it("uploads, validates and activates a dataset; the bundle has no labels and only participants get it", async () => {
    const slug = `faces-${kind}`;
    const entries = await validDatasetEntries(5, { training: true });
    const archive = zipArchive(entries.map((entry) => ({ name: entry.name, data: entry.data ?? "" })));
    const started = await uploadDatasetArchive(database.prisma, store, actors.organizer!, slug, "faces.zip", archive);
    const report = await runDatasetValidation(database.prisma, store, started.versionId);
    expect(report.status).toBe("ready");
    expect(report.counts).toMatchObject({ query: 5, gallery: 7, training: 3, evaluated: 5 });
    const [listed] = await listDatasetVersions(database.prisma, actors.organizer!, slug);
    expect(listed).toMatchObject({ number: 1, status: "READY", active: false, counts: { query: 5, gallery: 7, training: 3, evaluated: 5 } });
    await expect(listDatasetVersions(database.prisma, actors.participant!, slug)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await activateDatasetVersion(database.prisma, actors.organizer!, slug, 1);

    // The participant joins a team; the outsider does not.
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug } });
    await database.prisma.team.create({ data: { competitionId: competition.id, name: "T", nameKey: "t", inviteCode: `code-${kind}`, members: { create: { userId: actors.participant!.userId, competitionId: competition.id } } } });
    await expect(participantBundleUrl(database.prisma, store, null, slug)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(participantBundleUrl(database.prisma, store, actors.outsider!, slug)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const { url } = await participantBundleUrl(database.prisma, store, actors.participant!, slug);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    const names = await readZipNames(Buffer.from(await download.arrayBuffer()));
    expect(names).toContain("query/q0.jpg");
    expect(names).toContain("gallery/g4.jpg");
    expect(names).toContain("training/alice/a1.jpg");
    expect(names.filter((name) => /ground_truth|labels/.test(name))).toEqual([]);
    // 15 dataset files, and what a team needs to start: a README, a sample submission, the Python client and a
    // starter notebook.
    expect(names).toHaveLength(19);
    expect(names).toEqual(expect.arrayContaining(["README.md", "sample_submission.json", "podium_client.py", "starter.ipynb"]));
  });

  it("rejects a bad archive, keeps none of its files, and refuses to activate it", async () => {
    const slug = `faces-${kind}`;
    const bad = await tarArchive([{ name: "query/q.jpg", data: await makeImage(1) }, { name: "gallery/../../x.jpg", data: await makeImage(2) }], true);
    const started = await uploadDatasetArchive(database.prisma, store, actors.colleague!, slug, "bad.tar.gz", bad);
    const report = await runDatasetValidation(database.prisma, store, started.versionId);
    expect(report.status).toBe("rejected");
    expect(report.rejection).toMatch(/climbs out of the archive/);
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug } });
    expect((await store.list(`datasets/${competition.id}/${started.versionId}/files/`)).items).toEqual([]);
    await expect(activateDatasetVersion(database.prisma, actors.organizer!, slug, started.number)).rejects.toThrow(/is rejected, not ready/);
    await expect(uploadDatasetArchive(database.prisma, store, actors.participant!, slug, "x.zip", Buffer.from("x"))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(uploadDatasetArchive(database.prisma, store, actors.organizer!, slug, "x.rar", Buffer.from("x"))).rejects.toThrow(/not a \.zip, \.tar or \.tar\.gz archive/);
  });
});
