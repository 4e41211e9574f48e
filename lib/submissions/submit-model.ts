import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Actor } from "../auth/actor";
import { AppError } from "../errors/app-error";
import { checkModelAgainstManifest, inspectModel, ModelCheckError, resolveManifest } from "../models/check-model";
import { ModelFormatError, readModelSkeleton } from "../models/model-skeleton";
import { checkExternalData, fetchModelFiles, formatBytes, modelUploadKindOf, PROTOBUF_LIMIT, type ModelUploadKind } from "../models/model-files";
import { ModelFault } from "../models/embed-images";
import { runInSandbox, type SandboxLimits } from "../models/model-sandbox";
import { consumeRateLimit, rateLimitExhausted, throwIfRefused } from "../rate-limits/rate-limits";
import type { DryRunResult } from "../models/sandbox-protocol";
import { jobTimeBudgetSeconds, type TimeBudgetSettings } from "../models/time-budget";
import { formatMemory, modelMemoryCapBytes, type MemoryBudgetSettings } from "../models/memory-budget";
import { announceJob } from "../queue/announce-jobs";
import type { JobWakeUp } from "../queue/wake-up";
import type { BlobStore, CompletedPart } from "../storage/blob-store";
import { partSizeFor } from "../storage/part-size";
import { entryDetailsAssignments, entryDetailsColumns, entryDetailsValues, type EntryDetails } from "./entry-details";
import { quotaDayOf } from "./quota-day";
import { presignReceivedParts, receivedUploadOrThrow, teamAllowedToSubmit } from "./direct-upload";
import { quotaRefusal, type CompetitionForSubmission, type SubmitDatabase, type SubmissionChannel } from "./submit-results";

// Model entries: the .onnx file goes straight to storage (presigned multipart, resumable), then static checks and a
// dry run decide — before any quota is used — whether it is queued for the worker. Every failure names the problem.


export type ModelOutcome = (
  | { kind: "queued"; submissionId: string; dimension: number }
  | { kind: "invalid"; submissionId: string; code: string; message: string }
  | { kind: "quota"; submissionId: string; message: string; resetsAt: Date | null }
) & {
  /** Peak resident memory of the dry run's process, when it ran. */
  peakBytes?: number;
};

export interface ModelCheckSettings {
  dryRun: SandboxLimits;
  wakeUp: JobWakeUp;
  /** How the job's time budget follows from the dry run's speed; without it the job has the full model timeout. */
  timeBudget?: TimeBudgetSettings;
  /** How the job's memory cap follows from the model's size; without it the job has the worker's floor. */
  memory?: MemoryBudgetSettings;
}

/** Where the upload is stored: its kind is the key's extension (.onnx, or a .zip/.tar with the data files). */
function modelKey(competitionId: string, teamId: string, submissionId: string, kind: ModelUploadKind): string {
  return `submissions/${competitionId}/${teamId}/${submissionId}.${kind}`;
}

const teamForModel = (database: SubmitDatabase, actor: Actor, slug: string, now: Date) => teamAllowedToSubmit(database, actor, slug, now, "MODEL");

function checkSize(size: number, limit: bigint, kind: ModelUploadKind): void {
  if (!Number.isSafeInteger(size) || size <= 0) throw new AppError("BAD_REQUEST", "the model size must be a positive number of bytes");
  if (BigInt(size) > limit) throw new AppError("BAD_REQUEST", `the model is ${formatBytes(size)}; this competition accepts models up to ${formatBytes(limit)} (its data files included)`);
  if (kind === "onnx" && size > PROTOBUF_LIMIT) {
    throw new AppError("BAD_REQUEST", `the model is ${formatBytes(size)}; a single .onnx file cannot exceed 2 GiB (protobuf's limit): export it with external data and send the .onnx with its data files (a .zip or .tar, or podium submit MODEL.onnx --data FILE)`);
  }
}

async function insertReceivedModel(database: SubmitDatabase, values: { id: string; competition: CompetitionForSubmission; teamId: string; userId: string | null; channel: SubmissionChannel; fileName: string | null; size: number; manifest: unknown; details?: EntryDetails; now: Date }) {
  const { name, description } = entryDetailsColumns(values.details);
  await database.sql.query(
    `INSERT INTO submissions (id, competition_id, team_id, submitted_by_id, dataset_version_id, kind, channel, status, file_name, storage_key, sha256, size_bytes, counts_toward_quota, quota_day, created_at, manifest, name, description)
     VALUES ($1, $2, $3, $4, $5, 'MODEL', $6::"SubmissionChannel", 'RECEIVED', $7, $8, '', $9, false, $10, $11, $12::jsonb, $13, $14)`,
    [
      values.id,
      values.competition.id,
      values.teamId,
      values.userId,
      values.competition.activeDatasetVersionId,
      values.channel,
      values.fileName,
      modelKey(values.competition.id, values.teamId, values.id, modelUploadKindOf(values.fileName ?? "") ?? "onnx"),
      values.size,
      quotaDayOf(values.now, values.competition.timeZone),
      values.now,
      values.manifest === undefined || values.manifest === null ? null : JSON.stringify(values.manifest),
      name,
      description,
    ],
  );
}

function checkFileName(fileName: string): ModelUploadKind {
  const kind = modelUploadKindOf(fileName);
  if (!kind) throw new AppError("BAD_REQUEST", `${fileName} is not an .onnx file, nor a .zip or .tar of an .onnx with its external data files`);
  return kind;
}

/** Starts a browser or CLI upload: a RECEIVED entry (not counted) and a multipart upload of its .onnx file. */
export async function startModelUpload(database: SubmitDatabase, store: BlobStore, actor: Actor, slug: string, input: { fileName: string; size: number; manifest?: unknown; channel: SubmissionChannel; details?: EntryDetails }) {
  const now = new Date();
  const { competition, team } = await teamForModel(database, actor, slug, now);
  const kind = checkFileName(input.fileName);
  checkSize(input.size, competition.modelSizeLimitBytes, kind);
  // Each start reserves storage for a multipart upload of up to the model size limit: a flood of starts is refused.
  throwIfRefused(await rateLimitExhausted(database.prisma, "failedSubmissionsPerTeam", team.id));
  throwIfRefused(await consumeRateLimit(database.prisma, "modelUploadsPerTeam", team.id));
  const id = randomUUID();
  await insertReceivedModel(database, { id, competition, teamId: team.id, userId: actor!.userId, channel: input.channel, fileName: input.fileName, size: input.size, manifest: input.manifest, details: input.details, now });
  const uploadId = await store.createMultipartUpload(modelKey(competition.id, team.id, id, kind), { contentType: "application/octet-stream" });
  const partSize = partSizeFor(input.size);
  return { submissionId: id, uploadId, partSize, partCount: Math.ceil(input.size / partSize) };
}

const receivedModelOrThrow = (database: SubmitDatabase, actor: Actor, slug: string, submissionId: string) => receivedUploadOrThrow(database, actor, slug, submissionId, "MODEL");

export async function presignModelParts(database: SubmitDatabase, store: BlobStore, actor: Actor, slug: string, submissionId: string, uploadId: string, partNumbers: number[]) {
  const { submission } = await receivedModelOrThrow(database, actor, slug, submissionId);
  return presignReceivedParts(store, submission, uploadId, partNumbers);
}

/**
 * Completes the upload and queues the model's checks as a CHECK_MODEL job: the static checks and the dry run run on
 * a worker, never in the web request (a model may be gigabytes and its dry run a minute). The entry is CHECKING
 * until the job ends it INVALID (no quota used) or QUEUED for scoring.
 */
export async function completeModelUpload(
  database: SubmitDatabase,
  store: BlobStore,
  actor: Actor,
  slug: string,
  submissionId: string,
  input: { uploadId: string; parts: CompletedPart[]; manifest?: unknown; details?: EntryDetails },
  wakeUp: JobWakeUp,
): Promise<{ kind: "checking"; submissionId: string }> {
  const { submission } = await receivedModelOrThrow(database, actor, slug, submissionId);
  await store.completeMultipartUpload(submission.storageKey, input.uploadId, input.parts);
  const jobId = randomUUID();
  await database.sql.transaction(async (tx) => {
    // A name or description given when completing (a resumed upload's new ones) replaces the one given at the start.
    const moved = await tx.query<{ id: string }>(`UPDATE submissions SET status = 'CHECKING', manifest = COALESCE($2::jsonb, manifest), ${entryDetailsAssignments(3)} WHERE id = $1 AND status = 'RECEIVED' RETURNING id`, [
      submissionId,
      input.manifest === undefined ? null : JSON.stringify(input.manifest),
      ...entryDetailsValues(input.details),
    ]);
    if (moved.length === 0) throw new AppError("CONFLICT", `model ${submissionId} was already uploaded`);
    await tx.query(`INSERT INTO jobs (id, kind, state, competition_id, team_id, submission_id, dataset_version_id) VALUES ($1, 'CHECK_MODEL', 'QUEUED', $2, $3, $4, $5)`, [
      jobId,
      submission.competitionId,
      submission.teamId,
      submissionId,
      submission.datasetVersionId,
    ]);
  });
  // The row is the truth; a lost wake-up only delays the check until the next poll (or the scheduled announcer).
  await announceJob(database.sql, wakeUp, { kind: "CHECK_MODEL", jobId, submissionId, competitionId: submission.competitionId });
  return { kind: "checking", submissionId };
}

/**
 * The CHECK_MODEL job: checks a CHECKING model and queues it (or refuses it), recording the dry run's peak memory on
 * the job for organizers; a repeated job finds it done.
 */
export async function runQueuedModelCheck(database: SubmitDatabase, store: BlobStore, job: { id: string; submissionId: string | null }, checks: ModelCheckSettings): Promise<ModelOutcome | null> {
  const submission = await database.prisma.submission.findUnique({ where: { id: job.submissionId! }, select: { status: true } });
  if (submission?.status !== "CHECKING") return null;
  const outcome = await checkAndQueueModel(database, store, job.submissionId!, null, checks);
  if (outcome.peakBytes) await database.sql.query(`UPDATE jobs SET peak_memory_bytes = $2 WHERE id = $1`, [job.id, outcome.peakBytes]);
  return outcome;
}

/** One request with the whole model (API multipart, tests, the demo): the same checks as an upload. */
export async function submitModelBytes(
  database: SubmitDatabase,
  store: BlobStore,
  actor: Actor,
  slug: string,
  input: { bytes: Uint8Array; fileName: string; manifest?: unknown; channel: SubmissionChannel; details?: EntryDetails },
  checks: ModelCheckSettings,
): Promise<ModelOutcome> {
  const now = new Date();
  const { competition, team } = await teamForModel(database, actor, slug, now);
  const kind = checkFileName(input.fileName);
  checkSize(input.bytes.length, competition.modelSizeLimitBytes, kind);
  const id = randomUUID();
  await insertReceivedModel(database, { id, competition, teamId: team.id, userId: actor!.userId, channel: input.channel, fileName: input.fileName, size: input.bytes.length, manifest: input.manifest, details: input.details, now });
  await store.put(modelKey(competition.id, team.id, id, kind), input.bytes, { contentType: "application/octet-stream" });
  return checkAndQueueModel(database, store, id, input.manifest, checks);
}

async function markInvalid(database: SubmitDatabase, submissionId: string, values: { code: string; message: string; sha256?: string; size?: number }): Promise<ModelOutcome> {
  const { team_id: teamId } = (await database.sql.query<{ team_id: string }>(`SELECT team_id FROM submissions WHERE id = $1`, [submissionId]))[0]!;
  await consumeRateLimit(database.prisma, "failedSubmissionsPerTeam", teamId);
  await database.sql.query(
    `UPDATE submissions SET status = 'INVALID', counts_toward_quota = false, error = $2, validation_errors = $3::jsonb, sha256 = COALESCE($4, sha256), size_bytes = COALESCE($5, size_bytes), finished_at = now() WHERE id = $1`,
    [submissionId, values.message, JSON.stringify([{ code: values.code, message: values.message, count: 1, examples: [] }]), values.sha256 ?? null, values.size ?? null],
  );
  return { kind: "invalid", submissionId, code: values.code, message: values.message };
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}

function modelSkeletonOrRefuse(path: string): Buffer {
  try {
    return readModelSkeleton(path);
  } catch (error) {
    if (error instanceof ModelFormatError) throw new ModelCheckError("NOT_ONNX", `the file is not an ONNX model: ${error.message}`);
    throw error;
  }
}

/** Static checks and the dry run; then the quota under the team's lock, and a SCORE_MODEL job. */
export async function checkAndQueueModel(database: SubmitDatabase, store: BlobStore, submissionId: string, givenManifest: unknown, checks: ModelCheckSettings): Promise<ModelOutcome> {
  const submission = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { competition: true } });
  const competition = submission.competition;
  const head = await store.head(submission.storageKey);
  if (!head) return markInvalid(database, submissionId, { code: "NOT_ONNX", message: "the upload is missing: no bytes were stored for this model" });
  const kind = modelUploadKindOf(submission.storageKey) ?? "onnx";
  const sizeLimit = kind === "onnx" && competition.modelSizeLimitBytes > BigInt(PROTOBUF_LIMIT) ? BigInt(PROTOBUF_LIMIT) : competition.modelSizeLimitBytes;
  if (BigInt(head.size) > sizeLimit) return markInvalid(database, submissionId, { code: "TOO_LARGE", message: `the model is ${formatBytes(head.size)}; the limit is ${formatBytes(sizeLimit)}`, size: head.size });
  // The memory the scoring job will be given, from the model's size; beyond what any worker has it cannot run.
  const memoryBytes = checks.memory ? modelMemoryCapBytes(head.size, checks.memory) : null;
  if (checks.memory && memoryBytes === null) {
    return markInvalid(database, submissionId, {
      code: "TOO_LARGE",
      message: `the model is ${formatBytes(head.size)} and would need about ${formatMemory(checks.memory.factor * head.size)} of memory to run (${checks.memory.factor} × its size); workers here give a model at most ${formatMemory(checks.memory.maxBytes)}`,
      size: head.size,
    });
  }
  const scratch = mkdtempSync(join(tmpdir(), "podium-model-check-"));
  let sha256 = "";
  let manifest;
  let dimension: number;
  let msPerImage: number;
  let peakBytes = 0;
  try {
    // Its files in the checker's scratch folder: a plain .onnx is hashed as it is written (one read); an archive,
    // unpacked through ranged reads, is hashed in a pass of its own.
    if (kind !== "onnx") sha256 = await sha256Of(await store.stream(submission.storageKey));
    const fetched = await fetchModelFiles(store, submission.storageKey, kind, join(scratch, "model"), Number(competition.modelSizeLimitBytes));
    sha256 ||= fetched.sha256 ?? "";
    const { modelPath, files } = fetched;
    // The graph without the weights: a 2 GB model's checks hold a few megabytes (lib/models/model-skeleton.ts).
    const summary = inspectModel(modelSkeletonOrRefuse(modelPath));
    checkExternalData(summary.externalData, files, kind);
    const manifestInput = (givenManifest ?? submission.manifest ?? null) as Record<string, unknown> | null;
    manifest = resolveManifest(summary, manifestInput);
    // The model's own signature decides how it is fed and read, whatever a manifest says about it.
    manifest = { ...manifest, ...checkModelAgainstManifest(summary, manifest) };
    const dryRunLimits = { ...checks.dryRun, memoryLimitBytes: Math.max(checks.dryRun.memoryLimitBytes, memoryBytes ?? 0) };
    const run = runInSandbox<DryRunResult>({ kind: "dry-run", modelPath, manifest }, dryRunLimits);
    try {
      const dry = await run.result;
      dimension = dry.dimension;
      msPerImage = dry.msPerImage;
    } finally {
      peakBytes = run.peakBytes();
    }
  } catch (error) {
    const refused = (code: string, message: string) => markInvalid(database, submissionId, { code, message, sha256: sha256 || undefined, size: head.size }).then((outcome) => ({ ...outcome, peakBytes }));
    if (error instanceof ModelCheckError) return refused(error.code, error.message);
    if (error instanceof ModelFault) return refused("DRY_RUN", error.message);
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const size = head.size;
  const versionId = submission.datasetVersionId ?? competition.activeDatasetVersionId;
  if (!versionId) throw new AppError("UNAVAILABLE", `${competition.slug} has no active dataset`);
  const jobId = randomUUID();
  let timeBudgetSeconds: number | null = null;
  if (checks.timeBudget) {
    const version = await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId }, select: { queryCount: true, galleryCount: true } });
    timeBudgetSeconds = jobTimeBudgetSeconds(msPerImage, version.queryCount + version.galleryCount, checks.timeBudget);
  }
  const outcome = await database.sql.transaction(async (tx): Promise<ModelOutcome> => {
    const refusal = await quotaRefusal(tx, competition, submission.teamId, submission.quotaDay, submission.createdAt);
    if (refusal) {
      await tx.query(`UPDATE submissions SET status = 'CANCELLED', counts_toward_quota = false, error = $2, sha256 = $3, size_bytes = $4, finished_at = now() WHERE id = $1`, [submissionId, refusal.message, sha256, size]);
      return { kind: "quota", submissionId, ...refusal };
    }
    const moved = await tx.query(
      `UPDATE submissions SET status = 'QUEUED', counts_toward_quota = true, sha256 = $2, size_bytes = $3, manifest = $4::jsonb, dataset_version_id = $5, dry_run_ms_per_image = $6, error = NULL WHERE id = $1 AND status IN ('RECEIVED', 'CHECKING') RETURNING id`,
      [submissionId, sha256, size, JSON.stringify(manifest), versionId, msPerImage],
    );
    // A second check of the same entry (a job taken over after its lease ran out) finds it queued already.
    if (moved.length === 0) return { kind: "queued", submissionId, dimension };
    await tx.query(
      `INSERT INTO jobs (id, kind, state, competition_id, team_id, submission_id, dataset_version_id, time_budget_seconds, memory_bytes) VALUES ($1, 'SCORE_MODEL', 'QUEUED', $2, $3, $4, $5, $6, $7)`,
      [jobId, competition.id, submission.teamId, submissionId, versionId, timeBudgetSeconds, memoryBytes],
    );
    return { kind: "queued", submissionId, dimension };
  });
  if (outcome.kind === "queued") {
    // The row is the truth; a lost wake-up only delays the job until the next poll (or the scheduled announcer).
    await announceJob(database.sql, checks.wakeUp, { kind: "SCORE_MODEL", jobId, submissionId, competitionId: competition.id });
  }
  return { ...outcome, peakBytes };
}
