import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { completeResultsUpload, presignResultsParts, startResultsUpload } from "../../lib/submissions/results-upload";
import type { BlobStore } from "../../lib/storage/blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { createS3Store, openTestDatabase } from "../helpers/services";
import type { Database } from "../../lib/db/open-database";

// Attacks on the results-file upload (parts straight to S3, then completed): the declared size is the client's word.
// A team declares a small file, then PUTs far more into its part (S3 takes up to 5 GB per part) or asks for parts
// beyond the declared size; the completion must refuse before it reads the object into the web function's memory.
// Against Ceph RGW (signatures enforced) and PostgreSQL.

const MiB = 1024 * 1024;

describe("results uploads under attack", () => {
  let database: Database;
  let store: BlobStore;
  let reads = 0;
  let team: Actor;
  const disposers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    const opened = await openTestDatabase("postgres");
    database = opened.database;
    disposers.push(opened.dispose);
    const s3 = await createS3Store();
    disposers.push(s3.dispose);
    // The real store, with its reads counted: what the completion pulls into memory.
    store = new Proxy(s3.store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if ((property === "get" || property === "stream") && typeof value === "function") {
          return (...args: unknown[]) => {
            reads++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await createContest(database.prisma, store, { slug: "uploads", settings: { timeZone: "Asia/Tokyo", dailyLimit: 5 } });
    const user = await createUser(database.prisma, { email: "team@uploads.test", password: "uploads team password 1" });
    team = { userId: user.id, isAdmin: false };
    await createTeam(database.prisma, team, "uploads", "Uploaders");
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("refuses part numbers beyond the declared size", async () => {
    const started = await startResultsUpload(database, store, team, "uploads", { fileName: "small.json", size: 1000, channel: "API" });
    expect(started.partCount).toBe(1);
    await expect(presignResultsParts(database, store, team, "uploads", started.submissionId, started.uploadId, [2])).rejects.toThrow(/part 2 is beyond the 1 part\(s\) of a 1000-byte file/);
  });

  it("refuses a completed file larger than the limit without reading it, and keeps nothing of it", async () => {
    const started = await startResultsUpload(database, store, team, "uploads", { fileName: "small.json", size: 1000, channel: "API" });
    const [part] = await presignResultsParts(database, store, team, "uploads", started.submissionId, started.uploadId, [1]);
    const put = await fetch(part!.url, { method: "PUT", body: new Uint8Array(65 * MiB) });
    expect(put.status).toBe(200);
    reads = 0;
    await expect(completeResultsUpload(database, store, team, "uploads", started.submissionId, { uploadId: started.uploadId, parts: [{ partNumber: 1, etag: put.headers.get("etag")! }] })).rejects.toThrow(
      /the uploaded file is 68\.2 MB; results files are accepted up to 67\.1 MB/,
    );
    expect(reads).toBe(0);
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: started.submissionId } });
    expect(row).toMatchObject({ status: "RECEIVED", countsTowardQuota: false });
    expect(await store.head(row.storageKey)).toBeNull();
  });
});
