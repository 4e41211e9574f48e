import { createHash, randomUUID } from "node:crypto";
import type { Actor } from "../auth/actor";
import { MAX_RESULTS_FILE_BYTES } from "../api/read-body";
import { AppError } from "../errors/app-error";
import { formatBytes } from "../models/model-files";
import { consumeRateLimit, rateLimitExhausted, throwIfRefused } from "../rate-limits/rate-limits";
import type { BlobStore, CompletedPart } from "../storage/blob-store";
import { partSizeFor } from "../storage/part-size";
import { presignReceivedParts, receivedUploadOrThrow, teamAllowedToSubmit } from "./direct-upload";
import { entryDetailsAssignments, entryDetailsColumns, entryDetailsValues, type EntryDetails } from "./entry-details";
import { quotaDayOf } from "./quota-day";
import { checkSubmissionWindow, finishQueuedSubmission, type SubmitDatabase, type SubmissionChannel, type SubmitOutcome } from "./submit-results";

// A results file sent straight to storage in presigned parts, then scored: on AWS a request body through the web
// function's URL stops at 6 MB while a results file may be 64 MiB (1,455 queries × 10 long names fit in far less,
// but a larger contest does not). The entry is RECEIVED (nothing counted) until its upload is completed; then it is
// validated, scored and counted exactly as a file posted in the body — by the same code, from the stored bytes — and
// if scoring cannot finish in the request it waits for a worker (SCORE_RESULTS), never lost.

/** Starts an upload: a RECEIVED results entry (not counted) and a multipart upload of its file. */
export async function startResultsUpload(database: SubmitDatabase, store: BlobStore, actor: Actor, slug: string, input: { fileName: string | null; size: number; channel: SubmissionChannel; details?: EntryDetails }) {
  const now = new Date();
  const { competition, team } = await teamAllowedToSubmit(database, actor, slug, now, "RESULTS");
  if (!Number.isSafeInteger(input.size) || input.size <= 0) throw new AppError("BAD_REQUEST", "the results file's size must be a positive number of bytes");
  if (input.size > MAX_RESULTS_FILE_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `the results file is ${formatBytes(input.size)}; results files are accepted up to ${formatBytes(MAX_RESULTS_FILE_BYTES)}`);
  throwIfRefused(await rateLimitExhausted(database.prisma, "failedSubmissionsPerTeam", team.id));
  const id = randomUUID();
  const storageKey = `submissions/${competition.id}/${team.id}/${id}.json`;
  const { name, description } = entryDetailsColumns(input.details);
  await database.sql.query(
    `INSERT INTO submissions (id, competition_id, team_id, submitted_by_id, dataset_version_id, kind, channel, status, file_name, storage_key, sha256, size_bytes, counts_toward_quota, quota_day, created_at, name, description)
     VALUES ($1, $2, $3, $4, $5, 'RESULTS', $6::"SubmissionChannel", 'RECEIVED', $7, $8, '', $9, false, $10, $11, $12, $13)`,
    [id, competition.id, team.id, actor!.userId, competition.activeDatasetVersionId, input.channel, input.fileName, storageKey, input.size, quotaDayOf(now, competition.timeZone), now, name, description],
  );
  const uploadId = await store.createMultipartUpload(storageKey, { contentType: "application/json" });
  const partSize = partSizeFor(input.size);
  return { submissionId: id, uploadId, partSize, partCount: Math.ceil(input.size / partSize) };
}

const receivedResultsOrThrow = (database: SubmitDatabase, actor: Actor, slug: string, submissionId: string) => receivedUploadOrThrow(database, actor, slug, submissionId, "RESULTS");

export async function presignResultsParts(database: SubmitDatabase, store: BlobStore, actor: Actor, slug: string, submissionId: string, uploadId: string, partNumbers: number[]) {
  const { submission } = await receivedResultsOrThrow(database, actor, slug, submissionId);
  return presignReceivedParts(store, submission, uploadId, partNumbers);
}

/**
 * Completes the upload and scores the file: it counts from this moment (the submission window and the quota day are
 * those of completion, when the file was received). Scoring that fails here leaves a SCORE_RESULTS job.
 */
export async function completeResultsUpload(database: SubmitDatabase, store: BlobStore, actor: Actor, slug: string, submissionId: string, input: { uploadId: string; parts: CompletedPart[]; details?: EntryDetails }): Promise<SubmitOutcome> {
  const now = new Date();
  const { competition, submission } = await receivedResultsOrThrow(database, actor, slug, submissionId);
  checkSubmissionWindow(competition, now, "RESULTS");
  await store.completeMultipartUpload(submission.storageKey, input.uploadId, input.parts);
  // The stored size first: a part may hold far more than the declared size, and must not be read into memory.
  const stored = await store.head(submission.storageKey);
  if (!stored || stored.size > MAX_RESULTS_FILE_BYTES) {
    await store.delete(submission.storageKey);
    throw new AppError("PAYLOAD_TOO_LARGE", `the uploaded file is ${formatBytes(stored?.size ?? 0)}; results files are accepted up to ${formatBytes(MAX_RESULTS_FILE_BYTES)}`);
  }
  const bytes = await store.get(submission.storageKey);
  await database.sql.transaction(async (tx) => {
    // A name or description given when completing (a resumed upload's new ones) replaces the one given at the start.
    const moved = await tx.query<{ id: string }>(
      `UPDATE submissions SET status = 'QUEUED', sha256 = $2, size_bytes = $3, created_at = $4, quota_day = $5, ${entryDetailsAssignments(6)} WHERE id = $1 AND status = 'RECEIVED' RETURNING id`,
      [submissionId, createHash("sha256").update(bytes).digest("hex"), bytes.length, now, quotaDayOf(now, competition.timeZone), ...entryDetailsValues(input.details)],
    );
    if (moved.length === 0) throw new AppError("CONFLICT", `results file ${submissionId} was already uploaded`);
    await tx.query(`INSERT INTO jobs (id, kind, state, competition_id, team_id, submission_id, dataset_version_id) VALUES ($1, 'SCORE_RESULTS', 'QUEUED', $2, $3, $4, $5)`, [
      randomUUID(),
      competition.id,
      submission.teamId,
      submissionId,
      submission.datasetVersionId ?? competition.activeDatasetVersionId,
    ]);
  });
  try {
    const outcome = await finishQueuedSubmission(database, store, submissionId, bytes);
    // Finished here: the job has nothing left to do (a worker that claims it anyway finds the entry done).
    await database.sql.query(`UPDATE jobs SET state = 'SUCCEEDED', finished_at = now() WHERE submission_id = $1 AND kind = 'SCORE_RESULTS' AND state = 'QUEUED'`, [submissionId]);
    if (outcome?.kind === "invalid") await consumeRateLimit(database.prisma, "failedSubmissionsPerTeam", submission.teamId);
    if (outcome) return outcome;
  } catch (error) {
    return { kind: "queued", submissionId, message: `scoring will finish in the background (${error instanceof Error ? error.message : String(error)})` };
  }
  return { kind: "queued", submissionId, message: "scoring will finish in the background" };
}
