import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { WorkerSettings } from "../config/env";
import { prepareDatasetImages } from "../datasets/worker-dataset-cache";
import { ModelFault } from "../models/embed-images";
import { failureCode } from "../models/failure-vocabulary";
import { modelManifestSchema } from "../models/manifest";
import { runInSandbox, type SandboxRun } from "../models/model-sandbox";
import { fetchModelFiles, modelUploadKindOf } from "../models/model-files";
import type { EmbedAndRankResult, SandboxProgress } from "../models/sandbox-protocol";
import { completeJob, FinalJobError, type ClaimedJob } from "../queue/jobs";
import type { JobContext } from "../queue/run-jobs";
import type { BlobStore } from "../storage/blob-store";
import { insertScores, scoreForCompetition, type SubmitDatabase } from "./submit-results";

// The worker's SCORE_MODEL job: fetch the model and the dataset version's images, run the model in its sandbox
// (embed, rank, top 10), store the generated results file, then score and record it with the same code as a results
// file. Progress goes to the job row in full (organizers see it; teams a phase and a coarse percentage, see
// lib/submissions/present-submission.ts); a model's failure is recorded as a code from a fixed vocabulary for its team
// and the full reason for organizers.

export interface JobProgress {
  phase: SandboxProgress["phase"] | "fetching dataset" | "preparing images" | "fetching model" | "scoring";
  done: number;
  total: number;
  etaSeconds: number | null;
}

const K = 10;

/** Throttles progress writes to one a second and adds an ETA from the phase's rate. */
function progressReporter(context: JobContext) {
  let lastWrite = 0;
  let phaseStart = { phase: "", at: Date.now() };
  return (phase: JobProgress["phase"], done: number, total: number, force = false) => {
    const now = Date.now();
    if (phaseStart.phase !== phase) phaseStart = { phase, at: now };
    if (!force && now - lastWrite < 1000) return;
    lastWrite = now;
    const elapsed = (now - phaseStart.at) / 1000;
    const etaSeconds = done > 0 && total > done ? Math.round((elapsed / done) * (total - done)) : null;
    void context.reportProgress({ phase, done, total, etaSeconds } satisfies JobProgress).catch(() => {});
  };
}

export async function scoreModelSubmission(database: SubmitDatabase, store: BlobStore, job: ClaimedJob, context: JobContext, settings: WorkerSettings): Promise<void> {
  const { prisma, sql } = database;
  const submission = await prisma.submission.findUnique({ where: { id: job.submissionId! }, include: { competition: true } });
  if (!submission || submission.kind !== "MODEL" || !["QUEUED", "RUNNING"].includes(submission.status)) return;
  const versionId = submission.datasetVersionId!;
  const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
  await sql.query(`UPDATE submissions SET status = 'RUNNING', started_at = COALESCE(started_at, now()) WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')`, [submission.id]);
  const report = progressReporter(context);
  const { datasetDir, names, pixelCaches } = await prepareDatasetImages(store, version, settings.cacheDir, (phase, done, total) => report(phase, done, total));

  const workDir = join(settings.cacheDir, "jobs", `${job.id}-${job.attempts}`);
  mkdirSync(workDir, { recursive: true });
  try {
    report("fetching model", 0, 1, true);
    // The .onnx, or the archive of the .onnx and its data files unpacked (checked when it was uploaded).
    const { modelPath } = await fetchModelFiles(store, submission.storageKey, modelUploadKindOf(submission.storageKey) ?? "onnx", join(workDir, "model"), Number(submission.competition.modelSizeLimitBytes));
    const manifest = modelManifestSchema.parse(submission.manifest);
    const outputPath = join(workDir, "results.json");
    const totalImages = names.queries.length + names.gallery.length;
    // The budget set at upload from the dry run's speed (lib/models/time-budget.ts); never beyond the model timeout.
    const budget = await prisma.job.findUnique({ where: { id: job.id }, select: { timeBudgetSeconds: true, memoryBytes: true } });
    const timeoutMs = budget?.timeBudgetSeconds ? Math.min(budget.timeBudgetSeconds * 1000, settings.modelTimeoutMs) : settings.modelTimeoutMs;
    // The memory cap set at the check from the model's size (lib/models/memory-budget.ts), else the floor.
    const memoryLimitBytes = budget?.memoryBytes ? Number(budget.memoryBytes) : settings.modelMemoryBytes;
    let result: EmbedAndRankResult;
    let run: SandboxRun<EmbedAndRankResult> | null = null;
    // The organizer sees every run's peak memory, whether it scored or failed.
    const recordPeak = () => (run?.peakBytes() ? sql.query(`UPDATE jobs SET peak_memory_bytes = $2 WHERE id = $1`, [job.id, run.peakBytes()]) : Promise.resolve([]));
    try {
      run = runInSandbox<EmbedAndRankResult>(
        {
          kind: "embed-and-rank",
          modelPath,
          manifest,
          providers: settings.executionProviders,
          queries: { dir: join(datasetDir, "query"), names: names.queries, pixelCache: pixelCaches.queries },
          gallery: { dir: join(datasetDir, "gallery"), names: names.gallery, pixelCache: pixelCaches.gallery },
          cacheDir: join(settings.cacheDir, "tensors", version.id),
          outputPath,
          k: K,
          memoryBudgetBytes: settings.rankMemoryBytes,
        },
        { timeoutMs, memoryLimitBytes },
        {
          onProgress: (progress) => {
            // One bar over all images while embedding; the ranking and writing phases are short.
            if (progress.phase === "embedding queries") report(progress.phase, progress.done, totalImages);
            else if (progress.phase === "embedding gallery") report(progress.phase, names.queries.length + progress.done, totalImages);
            else report(progress.phase, progress.done, progress.total, true);
          },
        },
      );
      result = await run.result;
      await recordPeak();
    } catch (error) {
      await recordPeak().catch(() => []);
      if (!(error instanceof ModelFault)) throw error;
      // The model is at fault: retrying cannot help. It passed its checks and ran on hidden data, so the run counts
      // toward the quota — otherwise failures would be free probes of the hidden set (docs THREATS.md).
      await sql.query(`UPDATE submissions SET status = 'FAILED', failure_code = $3, error = $2, finished_at = now() WHERE id = $1 AND status = 'RUNNING'`, [
        submission.id,
        `the model failed: ${error.message}`,
        failureCode(error.phase, error.category),
      ]);
      throw new FinalJobError(`model fault: ${error.message}`);
    }
    report("scoring", 0, 1, true);
    const bytes = readFileSync(outputPath);
    const resultsKey = `submissions/${submission.competitionId}/${submission.teamId}/${submission.id}.top10.json`;
    await store.put(resultsKey, bytes, { contentType: "application/json" });
    const scored = await scoreForCompetition(prisma, store, submission.competition, versionId, bytes);
    if (!scored.ok) throw new Error(`the generated results file did not validate: ${scored.error[0]?.message ?? "invalid"}`);
    const provider = result.fallbackReason ? `${result.provider} (${result.fallbackReason})` : result.provider;
    await sql.transaction(async (tx) => {
      // Only the worker that still holds the job records it: a job taken over after a lost lease is scored once.
      const [held] = await tx.query(`SELECT id FROM jobs WHERE id = $1 AND worker_id = $2 AND state = 'RUNNING' FOR UPDATE`, [job.id, context.workerId]);
      if (!held) return;
      const updated = await tx.query(
        `UPDATE submissions SET status = 'SCORED', results_key = $2, execution_provider = $3, error = NULL, failure_code = NULL, finished_at = now() WHERE id = $1 AND status = 'RUNNING' RETURNING id`,
        [submission.id, resultsKey, provider],
      );
      if (updated.length === 0) return;
      await insertScores(tx, { submissionId: submission.id, competitionId: submission.competitionId, teamId: submission.teamId, versionId, now: submission.createdAt }, scored.value);
      // The job ends in the same transaction: nobody ever reads a scored entry whose job still looks RUNNING.
      await completeJob(tx, job.id, context.workerId);
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
