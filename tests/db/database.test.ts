import { execFileSync } from "node:child_process";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/open-database";
import { openDatabase } from "../../lib/db/open-database";
import { applyMigrations, readMigrations } from "../../lib/db/migrate";
import { DEFAULT_WEIGHTS } from "../../lib/scoring";
import { createPostgresDatabase, DATABASE_KINDS, openTestDatabase, type DatabaseKind } from "../helpers/services";

// The data layer on both databases through one code path: PostgreSQL (adapter-pg) and embedded PGlite.

function prismaDeploy(url: string): string[] {
  const out = execFileSync(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "tests/helpers/prisma-engine-deploy.mjs", url], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!) as string[];
}

describe.each(DATABASE_KINDS)("data layer on %s", (kind: DatabaseKind) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let url: string | undefined;

  beforeAll(async () => {
    ({ database, dispose, url } = await openTestDatabase(kind));
  });
  afterAll(async () => {
    await dispose?.();
  });

  it("records every committed migration in _prisma_migrations as Prisma does", async () => {
    const rows = await database.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const committed = readMigrations();
    expect(committed.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.migration_name)).toEqual(committed.map((migration) => migration.name));
    expect(rows.map((row) => row.checksum)).toEqual(committed.map((migration) => migration.checksum));
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("applies nothing the second time", async () => {
    const again = await applyMigrations(database.sql);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBe(readMigrations().length);
  });

  it("creates the indexes named for the queries they serve", async () => {
    const rows = await database.sql.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    const names = rows.map((row) => row.indexname);
    for (const name of ["scores_leaderboard_idx", "submissions_quota_per_team_day_idx", "jobs_next_to_claim_idx", "jobs_expired_lease_idx", "teams_competition_id_name_key_key"]) {
      expect(names).toContain(name);
    }
  });

  it("stores a competition, a team, a submission and its scores through Prisma", async () => {
    const { prisma } = database;
    const user = await prisma.user.create({ data: { email: `${kind}@example.org`, passwordHash: "scrypt$secret", name: "Ada" } });
    expect(user).not.toHaveProperty("passwordHash");
    const withHash = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(withHash.passwordHash).toBe("scrypt$secret");

    const competition = await prisma.competition.create({
      data: {
        slug: `retrieval-${kind}`,
        title: "Celebrity photo → portrait retrieval",
        scoringWeights: DEFAULT_WEIGHTS.map((term) => ({ ...term })),
        submissionKinds: ["RESULTS", "MODEL"],
        dailyLimit: 5,
        publicFraction: 0.5,
        splitSeed: "7",
        organizers: { create: { userId: user.id } },
      },
    });
    expect(competition.submissionKinds).toEqual(["RESULTS", "MODEL"]);
    expect(competition.scoringWeights).toEqual([
      { k: 1, weight: 600 },
      { k: 5, weight: 300 },
      { k: 10, weight: 100 },
    ]);
    expect(competition.modelSizeLimitBytes).toBe(4294967296n);

    const team = await prisma.team.create({
      data: { competitionId: competition.id, name: "Deep Thinkers", nameKey: "deep thinkers", inviteCode: `inv-${kind}`, members: { create: { userId: user.id, competitionId: competition.id, role: "CAPTAIN" } } },
    });
    // Team names are unique per competition regardless of case.
    await expect(prisma.team.create({ data: { competitionId: competition.id, name: "DEEP THINKERS", nameKey: "deep thinkers", inviteCode: `inv2-${kind}` } })).rejects.toThrow();
    // One team per user per competition.
    const other = await prisma.team.create({ data: { competitionId: competition.id, name: "Others", nameKey: "others", inviteCode: `inv3-${kind}` } });
    await expect(prisma.teamMember.create({ data: { teamId: other.id, userId: user.id, competitionId: competition.id } })).rejects.toThrow();

    const version = await prisma.datasetVersion.create({ data: { competitionId: competition.id, number: 1, archiveKey: "datasets/x/archive.zip", status: "READY" } });
    const submissions = [];
    for (const [i, score] of [412.5, 791.82, 600].entries()) {
      const submission = await prisma.submission.create({
        data: {
          competitionId: competition.id,
          teamId: team.id,
          kind: "RESULTS",
          channel: "API",
          status: "SCORED",
          storageKey: `submissions/${i}.json`,
          sha256: "0".repeat(64),
          sizeBytes: 1234n,
          quotaDay: "2026-11-26",
          datasetVersionId: version.id,
          scores: {
            create: (["PUBLIC", "PRIVATE", "ALL"] as const).map((split) => ({
              competitionId: competition.id,
              teamId: team.id,
              datasetVersionId: version.id,
              split,
              score,
              hitAtK: { "1": 0.5, "5": 0.7, "10": 0.8 },
              evaluatedCount: 1455,
              ciLow: score - 20,
              ciHigh: score + 20,
            })),
          },
        },
      });
      submissions.push(submission);
    }
    const best = await prisma.score.findFirstOrThrow({ where: { competitionId: competition.id, split: "PUBLIC" }, orderBy: [{ score: "desc" }, { createdAt: "asc" }] });
    expect(best.score).toBe(791.82);
    const counted = await prisma.submission.count({ where: { teamId: team.id, quotaDay: "2026-11-26", countsTowardQuota: true } });
    expect(counted).toBe(3);
    // A score per split and version is unique.
    await expect(
      prisma.score.create({
        data: { submissionId: submissions[0]!.id, competitionId: competition.id, teamId: team.id, datasetVersionId: version.id, split: "ALL", score: 1, hitAtK: {}, evaluatedCount: 1, ciLow: 0, ciHigh: 1 },
      }),
    ).rejects.toThrow();
  });

  it("claims jobs with FOR UPDATE SKIP LOCKED", async () => {
    const { prisma, sql } = database;
    const competition = await prisma.competition.create({ data: { slug: `jobs-${kind}`, title: "Jobs", scoringWeights: [] } });
    await prisma.job.createMany({ data: [1, 2, 3].map(() => ({ kind: "SCORE_RESULTS" as const, competitionId: competition.id })) });
    const claimed = await sql.transaction(async (tx) =>
      tx.query<{ id: string }>(
        `UPDATE jobs SET state = 'RUNNING', worker_id = 'w1', attempts = attempts + 1, lease_expires_at = now() + interval '30 seconds'
         WHERE id = (SELECT id FROM jobs WHERE state = 'QUEUED' AND run_after <= now() ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
      ),
    );
    expect(claimed).toHaveLength(1);
    expect(await prisma.job.count({ where: { state: "QUEUED", competitionId: competition.id } })).toBe(2);
  });

  it("rolls back a failing migration and records it as rolled back", async () => {
    const bad = [{ name: "29990101000000_broken", sql: "CREATE TABLE broken_one (id int);\nSELECT * FROM no_such_table;", checksum: "f".repeat(64) }];
    await expect(applyMigrations(database.sql, [...readMigrations(), ...bad])).rejects.toThrow(/29990101000000_broken failed and was rolled back: .*no_such_table/);
    const tables = await database.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'broken_one'`);
    expect(tables).toHaveLength(0);
    const [row] = await database.sql.query<{ rolled_back_at: Date | null; logs: string }>(`SELECT rolled_back_at, logs FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`);
    expect(row?.rolled_back_at).not.toBeNull();
    expect(row?.logs).toMatch(/no_such_table/);
    // The failure does not block the next run.
    expect((await applyMigrations(database.sql)).applied).toEqual([]);
  });

  if (kind === "postgres") {
    it("agrees with Prisma's own schema engine: same checksums, nothing left to apply", async () => {
      expect(prismaDeploy(url!)).toEqual([]);
      const fresh = await createPostgresDatabase();
      try {
        expect(prismaDeploy(fresh.url)).toEqual(readMigrations().map((migration) => migration.name));
        const byPrisma = await openDatabase({ database: { kind: "postgres", url: fresh.url, dataDir: "" } });
        try {
          const rows = await byPrisma.sql.query<{ migration_name: string; checksum: string }>(`SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`);
          expect(rows).toEqual(readMigrations().map((migration) => ({ migration_name: migration.name, checksum: migration.checksum })));
          expect((await applyMigrations(byPrisma.sql)).applied).toEqual([]);
        } finally {
          await byPrisma.close();
        }
      } finally {
        await fresh.drop();
      }
    });
  }
});

describe("PostgreSQL connections", () => {
  const sessionsOn = async (admin: Client, name: string) =>
    Number((await admin.query<{ count: string }>(`SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, [name])).rows[0]!.count);

  it("survives the server closing an idle connection, and close() leaves no session behind", async () => {
    const created = await createPostgresDatabase();
    const name = new URL(created.url).pathname.slice(1);
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      const database = await openDatabase({ database: { kind: "postgres", url: created.url, dataDir: "" }, migrate: true });
      await Promise.all(Array.from({ length: 3 }, () => database.sql.query(`SELECT pg_sleep(0.05)`)));
      expect(await sessionsOn(admin, name)).toBeGreaterThanOrEqual(3);
      // As a failover or an idle timeout would: the pool hears an 'error' on idle clients, which must not crash us.
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await database.sql.query<{ ok: number }>(`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
      expect(await database.prisma.user.count()).toBe(0);
      await database.close();
      expect(await sessionsOn(admin, name)).toBe(0);
    } finally {
      await admin.end();
      await created.drop();
    }
  });
});

describe("embedded database folder", () => {
  it("refuses a second process-level open while held, and keeps data across reopen", async () => {
    const { database, dataDir, dispose } = await openTestDatabase("pglite");
    try {
      await database.prisma.user.create({ data: { email: "kept@example.org" } });
      await expect(openDatabase({ database: { kind: "pglite", url: null, dataDir: dataDir! } })).rejects.toThrow(/in use by process \d+ \(test/);
      await database.close();
      const reopened = await openDatabase({ database: { kind: "pglite", url: null, dataDir: dataDir! } });
      expect(await reopened.prisma.user.count({ where: { email: "kept@example.org" } })).toBe(1);
      await reopened.close();
    } finally {
      await dispose().catch(() => {});
    }
  });
});
