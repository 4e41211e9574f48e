import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import yazl from "yazl";
import { requireOrganizer, competitionRoleOf, requireSignedIn, type Actor } from "../auth/actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { getCompetitionOrThrow, refuseSilentRescore } from "../competitions/manage-competitions";
import { rescoreEveryEntry, type RescoreServices } from "../organizers/rescore-entries";
import type { Database, PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { announceJob } from "../queue/announce-jobs";
import type { JobWakeUp } from "../queue/wake-up";
import { deleteBlobsUnder, type BlobStore, type CompletedPart } from "../storage/blob-store";
import { partSizeFor } from "../storage/part-size";
import { PYTHON_CLIENT_NAME, pythonClientSource } from "../clients/python-client";
import { archiveKindOf } from "./archive-entries";
import { bundleReadme, sampleSubmission, type BundleCompetition } from "./bundle-readme";
import { STARTER_NOTEBOOK_NAME, starterNotebook } from "./starter-notebook";
import type { WeightTerm } from "../scoring/types";
import { validateDatasetArchive, type DatasetLimits, type DatasetReport } from "./validate-dataset-archive";

// The life of a dataset version: upload (multipart, straight to storage) → validation job → READY or REJECTED →
// activation. Labels and the hidden gallery live under hidden prefixes no participant route ever reads.

const UPLOAD_URL_SECONDS = 3600;
const BUNDLE_URL_SECONDS = 300;

export function datasetKeys(competitionId: string, versionId: string, archiveName: string) {
  const base = `datasets/${competitionId}/${versionId}`;
  const extension = archiveName.toLowerCase().endsWith(".tar.gz") ? ".tar.gz" : archiveName.slice(archiveName.lastIndexOf(".")).toLowerCase();
  return {
    archive: `${base}/archive${extension}`,
    files: `${base}/files`,
    truth: `${base}/hidden/truth.json`,
    names: `${base}/hidden/names.json`,
    bundle: `bundles/${competitionId}/${versionId}/participant-bundle.zip`,
  };
}

/**
 * The storage key of one dataset file, `files/<folder>/<name>`. Names are the organizer's (spaces, accents, any
 * script); storage keys take only a few safe characters, so every other byte of the UTF-8 name — and "(" and ")",
 * which mark the escapes — is written as "(hh)". The mapping is one-to-one; participants only ever see the names.
 */
export function datasetFileKey(filesPrefix: string, path: string): string {
  const escaped = path
    .split("/")
    .map((segment) => [...Buffer.from(segment, "utf8")].map((byte) => (/[A-Za-z0-9!_.*'-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `(${byte.toString(16).padStart(2, "0")})`)).join(""))
    .join("/");
  return `${filesPrefix}/${escaped}`;
}


export async function startDatasetUpload(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, input: { fileName: string; size: number }) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  if (!archiveKindOf(input.fileName)) throw new AppError("BAD_REQUEST", `${input.fileName} is not a .zip, .tar or .tar.gz archive`);
  if (!Number.isSafeInteger(input.size) || input.size <= 0) throw new AppError("BAD_REQUEST", "the archive size must be a positive number of bytes");
  const version = await prisma.$transaction(async (tx) => {
    const last = await tx.datasetVersion.findFirst({ where: { competitionId: competition.id }, orderBy: { number: "desc" }, select: { number: true } });
    const created = await tx.datasetVersion.create({
      data: { competitionId: competition.id, number: (last?.number ?? 0) + 1, archiveKey: "pending", archiveSize: BigInt(input.size), createdById: actor!.userId },
    });
    return tx.datasetVersion.update({ where: { id: created.id }, data: { archiveKey: datasetKeys(competition.id, created.id, input.fileName).archive } });
  });
  const uploadId = await store.createMultipartUpload(version.archiveKey, { contentType: "application/octet-stream" });
  const partSize = partSizeFor(input.size);
  return { versionId: version.id, number: version.number, uploadId, partSize, partCount: Math.ceil(input.size / partSize) };
}

async function uploadingVersionOrThrow(prisma: PodiumPrisma, actor: Actor, slug: string, versionId: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const version = await prisma.datasetVersion.findFirst({ where: { id: versionId, competitionId: competition.id } });
  if (!version) throw new AppError("NOT_FOUND", `no dataset version ${versionId} in ${slug}`);
  if (version.status !== "UPLOADING") throw new AppError("CONFLICT", `dataset version ${version.number} is already ${version.status.toLowerCase()}`);
  return { competition, version };
}

export async function presignDatasetParts(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, versionId: string, uploadId: string, partNumbers: number[]) {
  const { version } = await uploadingVersionOrThrow(prisma, actor, slug, versionId);
  if (partNumbers.length === 0 || partNumbers.length > 100) throw new AppError("BAD_REQUEST", "ask for 1 to 100 part URLs at a time");
  const urls = await Promise.all(partNumbers.map((partNumber) => store.presignUploadPart(version.archiveKey, uploadId, partNumber, { expiresIn: UPLOAD_URL_SECONDS })));
  return partNumbers.map((partNumber, i) => ({ partNumber, url: urls[i]! }));
}

/** Completes the upload and marks the version VALIDATING with a validation job; the caller starts the job. */
export async function completeDatasetUpload(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, versionId: string, uploadId: string, parts: CompletedPart[]) {
  const { competition, version } = await uploadingVersionOrThrow(prisma, actor, slug, versionId);
  await store.completeMultipartUpload(version.archiveKey, uploadId, parts);
  const head = await store.head(version.archiveKey);
  if (!head) throw new AppError("INTERNAL", "the archive is missing after its upload completed");
  return prisma.$transaction(async (tx) => {
    const updated = await tx.datasetVersion.update({ where: { id: version.id }, data: { status: "VALIDATING", archiveSize: BigInt(head.size) } });
    await tx.job.create({ data: { kind: "VALIDATE_DATASET", competitionId: competition.id, datasetVersionId: version.id } });
    await recordAuditEvent(tx, { actorId: actor!.userId, competitionId: competition.id, action: "dataset.upload", target: { type: "dataset_version", id: version.id }, details: { number: version.number, bytes: head.size } });
    return updated;
  });
}

/** Writes of the dataset's files kept in flight at once, and their bytes at most (one larger file goes alone). */
const PARALLEL_WRITES = 8;
const PARALLEL_WRITE_BYTES = 64 * 1024 * 1024;

/**
 * Stores files a few at a time while validation reads on: one PUT after another cost a round trip per image (a
 * 3,000-image dataset spent minutes on Ceph RGW). Memory stays bounded by the bytes in flight; the first failure
 * is thrown by the next `add` or by `settled`.
 */
function boundedWrites() {
  const pending = new Set<Promise<void>>();
  let bytesInFlight = 0;
  let failure: unknown = null;
  return {
    async add(bytes: number, write: () => Promise<unknown>): Promise<void> {
      while (pending.size > 0 && (pending.size >= PARALLEL_WRITES || bytesInFlight + bytes > PARALLEL_WRITE_BYTES)) await Promise.race(pending);
      if (failure) throw failure;
      bytesInFlight += bytes;
      const running: Promise<void> = write()
        .then(
          () => undefined,
          (error: unknown) => {
            failure ??= error;
          },
        )
        .finally(() => {
          bytesInFlight -= bytes;
          pending.delete(running);
        });
      pending.add(running);
    },
    async settled(): Promise<void> {
      await Promise.all(pending);
      if (failure) throw failure;
    },
  };
}

/** Validates a VALIDATING version from its stored archive: writes its files, hidden truth and participant bundle. */
export async function runDatasetValidation(prisma: PodiumPrisma, store: BlobStore, versionId: string, limits?: Partial<DatasetLimits>): Promise<DatasetReport> {
  const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId }, include: { competition: true } });
  const kind = archiveKindOf(version.archiveKey)!;
  const keys = datasetKeys(version.competitionId, version.id, version.archiveKey);
  const head = await store.head(version.archiveKey);
  if (!head) throw new AppError("NOT_FOUND", `the archive of dataset version ${version.number} is missing`);
  const writes = boundedWrites();
  const result = await validateDatasetArchive({
    source: { size: head.size, stream: (range) => store.stream(version.archiveKey, range) },
    kind,
    limits,
    storeFile: (path, bytes) => writes.add(bytes.byteLength, () => store.put(datasetFileKey(keys.files, path), bytes)),
  });
  await writes.settled();
  const { report } = result;
  if (report.status === "ready" && result.truth) {
    const truth = Object.fromEntries(result.truth);
    await store.put(keys.truth, JSON.stringify(truth), { contentType: "application/json" });
    await store.put(keys.names, JSON.stringify({ queries: result.queries.sort(), gallery: result.gallery.sort() }), { contentType: "application/json" });
    const modelOnly = version.competition.submissionKinds.length === 1 && version.competition.submissionKinds[0] === "MODEL";
    const files = { query: result.queries, gallery: modelOnly ? [] : result.gallery, training: result.training.map((item) => `${item.identity}/${item.file}`) };
    const competition = version.competition;
    const acceptsResults = competition.submissionKinds.includes("RESULTS");
    const described: BundleCompetition = { title: competition.title, slug: competition.slug, weights: competition.scoringWeights as unknown as WeightTerm[], modelOnly, acceptsResults };
    const counts = { query: files.query.length, gallery: result.gallery.length, training: files.training.length };
    const extras: { name: string; bytes: Buffer }[] = [
      { name: "README.md", bytes: Buffer.from(bundleReadme(described, counts)) },
      ...(acceptsResults && !modelOnly
        ? [
            { name: "sample_submission.json", bytes: Buffer.from(sampleSubmission(result.queries, result.gallery)) },
            // Load the data, a colour baseline, results.json, a validation score and the submission (issue 15).
            { name: STARTER_NOTEBOOK_NAME, bytes: Buffer.from(starterNotebook(described, counts)) },
          ]
        : []),
    ];
    await buildParticipantBundle(store, keys.files, keys.bundle, files, extras);
  } else {
    await deleteBlobsUnder(store, `${keys.files}/`);
  }
  await prisma.$transaction([
    prisma.datasetVersion.update({
      where: { id: version.id },
      data: {
        status: report.status === "ready" ? "READY" : "REJECTED",
        validationReport: report as unknown as object,
        error: report.rejection ?? (report.problemCount > 0 ? `${report.problemCount} problem(s) found` : null),
        queryCount: report.counts.query,
        galleryCount: report.counts.gallery,
        trainingCount: report.counts.training,
        evaluatedCount: report.counts.evaluated,
        contentPrefix: report.status === "ready" ? keys.files : null,
        truthKey: report.status === "ready" ? keys.truth : null,
        bundleKey: report.status === "ready" ? keys.bundle : null,
        validatedAt: new Date(),
      },
    }),
    prisma.job.updateMany({ where: { datasetVersionId: version.id, kind: "VALIDATE_DATASET", state: { in: ["QUEUED", "RUNNING"] } }, data: { state: "SUCCEEDED", finishedAt: new Date() } }),
  ]);
  return report;
}

/** Files whose reads are opened ahead of the one the bundle is writing. */
const BUNDLE_READ_AHEAD = 16;

/**
 * A .zip of query/, gallery/ and training/ — never the labels — streamed from storage to storage. Each file is a
 * GET whose answer takes a round trip (44 ms each on Ceph RGW here: 3,000 images took over two minutes one after
 * another), so the next files' reads are opened while one is written; an open read holds at most its socket's
 * buffer until the zip takes it.
 */
async function buildParticipantBundle(store: BlobStore, filesPrefix: string, bundleKey: string, files: { query: string[]; gallery: string[]; training: string[] }, extras: { name: string; bytes: Buffer }[]) {
  const zip = new yazl.ZipFile();
  const entries = Object.entries(files).flatMap(([folder, names]) => [...names].sort().map((name) => ({ path: `${folder}/${name}`, key: datasetFileKey(filesPrefix, `${folder}/${name}`) })));
  const opened = new Map<number, Promise<Readable>>();
  const open = (index: number) => {
    let read = opened.get(index);
    if (!read) {
      read = store.stream(entries[index]!.key);
      read.catch(() => undefined); // reported when the zip asks for it
      opened.set(index, read);
    }
    return read;
  };
  entries.forEach((entry, index) => {
    zip.addReadStreamLazy(entry.path, { compress: false }, (callback) => {
      for (let ahead = index + 1; ahead <= index + BUNDLE_READ_AHEAD && ahead < entries.length; ahead++) void open(ahead);
      const read = open(index);
      opened.delete(index);
      read.then((stream) => callback(null, stream), (error: Error) => callback(error, undefined as never));
    });
  });
  // The Python client (submit, status, and the competition's metric for a team's own validation split).
  const client = pythonClientSource();
  if (client) zip.addBuffer(client, PYTHON_CLIENT_NAME, { compress: true });
  for (const extra of extras) zip.addBuffer(extra.bytes, extra.name, { compress: true });
  zip.end();
  try {
    await store.put(bundleKey, Readable.from(zip.outputStream), { contentType: "application/zip" });
  } finally {
    // Reads opened ahead of a failure are closed, not left holding their connections.
    for (const read of opened.values()) read.then((stream) => stream.destroy(), () => undefined);
  }
}

/**
 * Makes a READY version the one entries are scored against. Under scored entries that changes what their scores
 * mean, so it needs `confirmRescore` (and `services`), and then rescores every entry against the new version.
 */
export async function activateDatasetVersion(prisma: PodiumPrisma, actor: Actor, slug: string, number: number, options: { confirmRescore?: boolean; services?: RescoreServices } = {}) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const version = await prisma.datasetVersion.findUnique({ where: { competitionId_number: { competitionId: competition.id, number } } });
  if (!version) throw new AppError("NOT_FOUND", `${slug} has no dataset version ${number}`);
  if (version.status !== "READY") throw new AppError("CONFLICT", `dataset version ${number} is ${version.status.toLowerCase()}, not ready: only a validated version can be activated`);
  const previous = competition.activeDatasetVersionId ? await prisma.datasetVersion.findUnique({ where: { id: competition.activeDatasetVersionId }, select: { number: true } }) : null;
  const changing = competition.activeDatasetVersionId !== version.id;
  const scored = changing ? await refuseSilentRescore(prisma, competition.id, ["the active dataset version"], options.confirmRescore) : 0;
  if (scored > 0 && !options.services) throw new AppError("INTERNAL", "a rescore needs the blob store: call activateDatasetVersion with its services");
  const updated = await prisma.$transaction(async (tx) => {
    const row = await tx.competition.update({ where: { id: competition.id }, data: { activeDatasetVersionId: version.id } });
    await recordAuditEvent(tx, {
      actorId: actor!.userId,
      competitionId: competition.id,
      action: "dataset.activate",
      target: { type: "dataset_version", id: version.id },
      changes: { activeDatasetVersion: { before: previous?.number ?? null, after: number } },
      ...(scored > 0 && { details: { rescoreConfirmed: true } }),
    });
    return row;
  });
  if (scored > 0 && options.services) return { ...version, rescore: await rescoreEveryEntry(options.services, updated, actor!.userId, { settings: ["activeDatasetVersion"], version: number }) };
  return version;
}

/** Versions with their reports — organizers only, since reports name hidden gallery files. */
export async function listDatasetVersions(prisma: PodiumPrisma, actor: Actor, slug: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const versions = await prisma.datasetVersion.findMany({ where: { competitionId: competition.id }, orderBy: { number: "desc" } });
  return versions.map((version) => ({
    id: version.id,
    number: version.number,
    status: version.status,
    active: competition.activeDatasetVersionId === version.id,
    archiveSize: version.archiveSize === null ? null : Number(version.archiveSize),
    counts: { query: version.queryCount, gallery: version.galleryCount, training: version.trainingCount, evaluated: version.evaluatedCount },
    error: version.error,
    report: version.validationReport as DatasetReport | null,
    createdAt: version.createdAt.toISOString(),
    validatedAt: version.validatedAt?.toISOString() ?? null,
  }));
}

export async function getDatasetVersionForOrganizer(prisma: PodiumPrisma, actor: Actor, slug: string, versionId: string) {
  const versions = await listDatasetVersions(prisma, actor, slug);
  const version = versions.find((candidate) => candidate.id === versionId);
  if (!version) throw new AppError("NOT_FOUND", `no dataset version ${versionId} in ${slug}`);
  return version;
}

/** A short-lived download URL of the active version's participant bundle, for its participants and organizers. */
export async function participantBundleUrl(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(prisma, slug);
  const role = await competitionRoleOf(prisma, actor, competition.id);
  if (role === "none") throw new AppError("FORBIDDEN", `join a team in ${slug} to download its data`);
  if (!competition.activeDatasetVersionId) throw new AppError("NOT_FOUND", `${slug} has no active dataset yet`);
  const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: competition.activeDatasetVersionId } });
  if (!version.bundleKey) throw new AppError("NOT_FOUND", "the participant bundle is not built yet");
  return { url: await store.presignGet(version.bundleKey, { expiresIn: BUNDLE_URL_SECONDS, downloadName: `${slug}-data-v${version.number}.zip` }), expiresIn: BUNDLE_URL_SECONDS };
}

/**
 * Runs a validation and never leaves the version stuck in VALIDATING: a platform fault ends it REJECTED with a log
 * id (the organizer uploads again) and its job FAILED.
 */
export async function validateDatasetVersionSafely(prisma: PodiumPrisma, store: BlobStore, versionId: string, limits?: Partial<DatasetLimits>): Promise<void> {
  await prisma.job.updateMany({ where: { datasetVersionId: versionId, kind: "VALIDATE_DATASET", state: "QUEUED" }, data: { state: "RUNNING", startedAt: new Date(), attempts: { increment: 1 } } });
  try {
    await runDatasetValidation(prisma, store, versionId, limits);
  } catch (error) {
    const logId = randomUUID();
    console.error(`[dataset validation ${logId}]`, error);
    await prisma.$transaction([
      // Only while VALIDATING: a validation that finished meanwhile elsewhere keeps its outcome.
      prisma.datasetVersion.updateMany({ where: { id: versionId, status: "VALIDATING" }, data: { status: "REJECTED", error: `validation stopped by a platform error (log id ${logId}); upload the archive again`, validatedAt: new Date() } }),
      prisma.job.updateMany({ where: { datasetVersionId: versionId, kind: "VALIDATE_DATASET", state: { in: ["QUEUED", "RUNNING"] } }, data: { state: "FAILED", lastError: String(error), finishedAt: new Date() } }),
    ]);
  }
}

/**
 * Starts validating a completed upload: its VALIDATE_DATASET job is announced — to the in-process worker's loop on
 * the embedded defaults (or a separate `npm run worker`), to a CPU task (`podium-worker --job`) through SQS on AWS.
 * Never in the web request: a 2 GiB archive of large images is minutes of CPU, and a Lambda stops once it answered.
 */
export async function startDatasetValidation(database: Pick<Database, "prisma" | "sql">, store: BlobStore, versionId: string, wakeUp: JobWakeUp): Promise<void> {
  const job = await database.prisma.job.findFirst({ where: { datasetVersionId: versionId, kind: "VALIDATE_DATASET", state: "QUEUED" }, orderBy: { createdAt: "desc" } });
  // A lost announcement only delays it: local workers poll, and the scheduled queue pass announces again on AWS.
  if (job) await announceJob(database.sql, wakeUp, { kind: "VALIDATE_DATASET", jobId: job.id, submissionId: null, competitionId: job.competitionId });
}

/**
 * At start: a validation that an earlier process ran outside the queue (the demo's seeding, or a version of Podium
 * that validated in the web process) and that a restart interrupted goes back to the queue, where a worker takes it.
 */
export async function resumeDatasetValidations(prisma: PodiumPrisma): Promise<number> {
  const { count } = await prisma.job.updateMany({ where: { kind: "VALIDATE_DATASET", state: "RUNNING", leaseExpiresAt: null, datasetVersion: { status: "VALIDATING" } }, data: { state: "QUEUED" } });
  return count;
}
