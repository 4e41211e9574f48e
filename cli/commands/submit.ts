import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { AppError } from "../../lib/errors/app-error";
import { ApiClient, apiError } from "../api-client";
import { parseCommandArgs } from "../args";
import { uploadInParts } from "../multipart-upload";
import { packModelWithData } from "../pack-model";
import { createProgressBar } from "../progress";
import type { CliIO } from "../podium";
import { describeQuota } from "../../lib/teams/describe-quota";
import { entryDetailsShape, type EntryDetails } from "../../lib/submissions/entry-details";
import type { TeamView } from "./team";

export const usage = `Usage: podium submit --competition S FILE [--name NAME] [--description TEXT] [--wait]
       podium submit --competition S MODEL.onnx [--data FILE …] [--manifest M.json] [--name NAME] [--description TEXT] [--wait]

Submits a results file (any of the three formats) to your team's entries and prints its public score, or the
validation errors (exit 1). Results files are scored at once; --wait also waits for an entry the server queued.

--name names the entry (your method's name, up to 100 characters on one line) and --description describes it
(method, links: plain text up to 2,000 characters); both are optional and can be changed later on the entry's page.

An .onnx model is uploaded straight to storage in parts (resumed if you run the same command again), checked
(ONNX format, opset, standard operators, input/output against the manifest, a dry run) and queued for the worker.
The manifest (JSON: input, output, size, layout, channelOrder, scale, mean, std, resize, similarity, batchSize) may
also live in the model's metadata_props under "podium.manifest". --wait shows the worker's progress until the score.
A model exported with external data (over 2 GiB) goes with its data files: --data FILE for each (they are packed
with the model into one .tar); a .zip or .tar of the model and its data files may also be given as MODEL.

Before uploading, it prints how many entries your team has left today, and stops there when none is left.`;

export interface SubmissionView {
  id: string;
  kind?: string;
  name?: string | null;
  status: string;
  sha256: string;
  error: string | null;
  executionProvider?: string | null;
  /** Progress: a team gets the phase and a coarse percentage; organizers also images done, total and an ETA. */
  job?: {
    state: string;
    attempts: number;
    progress: { phase: string; percent: number; done?: number; total?: number; etaSeconds?: number | null } | null;
    queue: { ahead: number; etaSeconds: number | null } | null;
  } | null;
  scores: Record<string, { score: number; hit: Record<string, number>; ci95: [number, number]; evaluated: number; ladder?: string }>;
}

export function describeSubmission(submission: SubmissionView): string {
  const lines = [`submission ${submission.id}: ${submission.status} (sha256 ${submission.sha256.slice(0, 12)}…)`];
  if (submission.name) lines.push(`  name     ${submission.name}`);
  for (const [split, score] of Object.entries(submission.scores)) {
    if (score.ladder) {
      // Under the ladder the team is told its shown score, not the entry's exact one.
      lines.push(`  ${split.padEnd(8)} ${score.ladder === "improved" ? `${score.score.toFixed(2)} (ladder)` : `${score.ladder} (shown ${score.score.toFixed(2)})`}`);
      continue;
    }
    const hits = Object.entries(score.hit)
      .map(([k, value]) => `hit@${k} ${(value * 100).toFixed(1)}%`)
      .join(", ");
    lines.push(`  ${split.padEnd(8)} ${score.score.toFixed(2)}  [${score.ci95[0].toFixed(2)}, ${score.ci95[1].toFixed(2)}]  ${hits}  (${score.evaluated} queries)`);
  }
  if (submission.executionProvider) lines.push(`  ran on ${submission.executionProvider}`);
  if (submission.error && submission.status !== "scored") lines.push(`  ${submission.error}`);
  return lines.join("\n");
}

const PENDING = new Set(["checking", "queued", "running", "received"]);

/** Polls a submission until it leaves the queue, drawing the worker's progress for models. */
export async function waitForSubmission(client: ApiClient, path: string, first: SubmissionView, io: CliIO): Promise<SubmissionView> {
  let submission = first;
  let bar: ReturnType<typeof createProgressBar> | null = null;
  let phase = "";
  let lastQueueLine = "";
  while (PENDING.has(submission.status)) {
    await new Promise((wake) => setTimeout(wake, 1000));
    submission = (await client.request<{ submission: SubmissionView }>("GET", path)).submission;
    const job = submission.job;
    if (job?.queue) {
      const line = `queued: ${job.queue.ahead} model job(s) ahead${job.queue.etaSeconds !== null ? `, about ${formatDuration(job.queue.etaSeconds)}` : ""}`;
      if (line !== lastQueueLine) io.stderr(line);
      lastQueueLine = line;
    }
    const progress = job?.progress;
    if (progress && job.state === "running") {
      if (progress.phase !== phase) {
        bar?.finish();
        phase = progress.phase;
        // Organizers get images done / total; a team only a coarse percentage.
        bar = progress.total !== undefined ? createProgressBar(phase, progress.total, undefined, "count") : createProgressBar(phase, 100, undefined, "percent");
      }
      bar!.update(progress.done ?? progress.percent);
    }
  }
  bar?.finish();
  return submission;
}

function formatDuration(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}

/** The entry's name and description as JSON fields: only the ones given (a resumed upload then keeps the others). */
function detailsFields(details: EntryDetails): Record<string, string | null> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)) as Record<string, string | null>;
}

async function submitModel(client: ApiClient, slug: string, given: string, dataPaths: string[], manifestPath: string | undefined, details: EntryDetails, io: CliIO): Promise<{ status: number; body: { submission?: SubmissionView; error?: { message: string } } | null }> {
  let manifest: Record<string, unknown> | undefined;
  if (manifestPath) {
    if (!existsSync(manifestPath)) throw new AppError("BAD_REQUEST", `manifest ${manifestPath} does not exist`);
    try {
      manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new AppError("BAD_REQUEST", `manifest ${manifestPath} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let path = given;
  let fileName = basename(given);
  if (dataPaths.length > 0) {
    io.stderr(`packing ${basename(given)} with ${dataPaths.length} data file(s)…`);
    ({ path, fileName } = await packModelWithData(given, dataPaths));
  }
  const response = await sendInParts(client, io, {
    base: `/api/v1/competitions/${encodeURIComponent(slug)}/models`,
    path,
    scope: `${slug}\nmodel`,
    what: "model",
    start: { fileName, size: statSync(path).size, manifest, ...detailsFields(details) },
    complete: { manifest, ...detailsFields(details) },
    completing: "checking the model (format, operators, input/output, a dry run)…",
  });
  // The packed .tar was kept only so that an interrupted upload could resume.
  if (path !== given) rmSync(path, { force: true });
  const body = (await response.json().catch(() => null)) as { submission?: SubmissionView; error?: { message: string } } | null;
  if (response.status !== 202 || !body?.submission) return { status: response.status, body };
  // The checks run as a job on a worker; wait for their verdict so a refused model still ends this command with it.
  let submission = body.submission;
  const submissionPath = `/api/v1/competitions/${encodeURIComponent(slug)}/submissions/${submission.id}`;
  while (submission.status === "checking") {
    await new Promise((wake) => setTimeout(wake, 1000));
    submission = (await client.request<{ submission: SubmissionView }>("GET", submissionPath)).submission;
  }
  if (submission.status === "invalid") return { status: 422, body: { submission, error: { message: submission.error ?? "the model was refused" } } };
  if (submission.status === "cancelled") return { status: 429, body: { submission, error: { message: submission.error ?? "no entries left" } } };
  return { status: 202, body: { submission } };
}

/**
 * Results files above this go straight to storage in parts (POST …/submissions/uploads): a request body through a
 * Lambda function URL stops at 6 MB, and a part upload resumes where it stopped.
 */
export const DIRECT_POST_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * Sends a file straight to storage: `base` starts the upload, `base/{id}/parts` signs its parts (resumable, see
 * uploadInParts), `base/{id}/complete` finishes it with `complete`. A model and a large results file go this way.
 */
async function sendInParts(
  client: ApiClient,
  io: CliIO,
  options: { base: string; path: string; scope: string; what: string; start: Record<string, unknown>; complete?: Record<string, unknown>; completing: string },
): Promise<Response> {
  const { base } = options;
  const { upload, parts, done } = await uploadInParts(client, {
    path: options.path,
    scope: options.scope,
    partsPath: (id) => `${base}/${id}/parts`,
    io,
    start: async () => {
      const started = await client.request<{ submissionId: string; uploadId: string; partSize: number }>("POST", base, options.start, { "x-podium-client": "cli" });
      return { id: started.submissionId, uploadId: started.uploadId, partSize: started.partSize };
    },
    describeResume: (state, partsSent) => `resuming the upload of ${options.what} ${state.id} (${partsSent} parts already sent)`,
  });
  io.stderr(options.completing);
  const response = await client.raw("POST", `${base}/${upload.id}/complete`, JSON.stringify({ uploadId: upload.uploadId, parts, ...options.complete }), { "content-type": "application/json" });
  done();
  return response;
}

async function uploadResultsFile(client: ApiClient, base: string, path: string, details: EntryDetails, io: CliIO): Promise<{ status: number; body: { submission?: SubmissionView; error?: { message: string } } | null }> {
  const response = await sendInParts(client, io, {
    base: `${base}/uploads`,
    path,
    scope: `${base}\nresults`,
    what: "results file",
    start: { fileName: basename(path), size: statSync(path).size, ...detailsFields(details) },
    complete: detailsFields(details),
    completing: "scoring…",
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as { submission?: SubmissionView; error?: { message: string } } | null };
}

/** How long the CLI keeps retrying a results file whose answer it lost (a dropped connection, a restart, a 503). */
const RETRY_FOR_MS = 2 * 60 * 1000;

/**
 * Posts a results file with an Idempotency-Key and retries with the same key while the server cannot answer: a
 * retry returns the entry the first attempt recorded and costs no second quota unit.
 */
async function postResultsFile(client: ApiClient, base: string, path: string, details: EntryDetails, io: CliIO): Promise<{ status: number; body: { submission?: SubmissionView; error?: { message: string } } | null }> {
  const key = randomUUID();
  const bytes = readFileSync(path);
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let attempt = 1; ; attempt++) {
    const form = new FormData();
    for (const [field, value] of Object.entries(detailsFields(details))) form.set(field, value ?? "");
    form.set("file", new Blob([bytes], { type: "application/json" }), basename(path));
    let response: Response | null = null;
    let why = "";
    try {
      response = await client.raw("POST", base, form, { "x-podium-client": "cli", "idempotency-key": key });
    } catch (error) {
      why = (error as Error).message;
    }
    // 409 here means the first attempt with this key is still being recorded; 502–504: the server is restarting.
    const retryable = response === null || [409, 502, 503, 504].includes(response.status);
    if (response && (!retryable || (response.status === 409 && !(await response.clone().text()).includes("still being processed")))) {
      return { status: response.status, body: (await response.json().catch(() => null)) as { submission?: SubmissionView; error?: { message: string } } | null };
    }
    if (Date.now() > deadline) {
      if (response) return { status: response.status, body: (await response.json().catch(() => null)) as { error?: { message: string } } | null };
      throw new AppError("UNAVAILABLE", `${why}; gave up after ${attempt} attempts (the entry, if it was recorded, is listed by podium submissions)`);
    }
    const wait = Math.min(10, 2 ** attempt) * 1000;
    io.stderr(`no answer yet (${response ? `HTTP ${response.status}` : why}); retrying in ${wait / 1000} s with the same Idempotency-Key`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { competition: { type: "string" }, wait: { type: "boolean" }, manifest: { type: "string" }, data: { type: "string", multiple: true }, name: { type: "string" }, description: { type: "string" } },
    z.object({
      competition: z.string({ message: "is required" }).min(1),
      // Checked here as the server checks them (lib/submissions/entry-details.ts): a refusal names the flag.
      ...entryDetailsShape,
      wait: z.boolean().optional(),
      manifest: z.string().optional(),
      data: z.array(z.string()).optional(),
      positionals: z.array(z.string()).length(1, "give exactly one results FILE or MODEL.onnx"),
    }),
    usage,
  );
  const path = args.positionals[0]!;
  const details: EntryDetails = { name: args.name, description: args.description };
  if (!existsSync(path)) throw new AppError("BAD_REQUEST", `${path} does not exist`);
  const client = ApiClient.fromConfig();
  // Results files are JSON; an .onnx, or a .zip/.tar of one with its data files, is a model.
  const isModel = /\.(onnx|zip|tar)$/i.test(path);
  if (args.manifest && !isModel) throw new AppError("BAD_REQUEST", "--manifest goes with an .onnx model");
  if (args.data?.length && !path.toLowerCase().endsWith(".onnx")) throw new AppError("BAD_REQUEST", "--data goes with an .onnx model: its external data files");
  const base = `/api/v1/competitions/${encodeURIComponent(args.competition)}/submissions`;
  // Before anything is uploaded (a model can be gigabytes): where the team stands, and a refusal when no entry is left.
  const [{ quota }, competition] = await Promise.all([
    client.request<TeamView>("GET", `/api/v1/competitions/${encodeURIComponent(args.competition)}/team`),
    client.request<{ timeZone?: string }>("GET", `/api/v1/competitions/${encodeURIComponent(args.competition)}`).catch(() => null),
  ]);
  const quotaLine = describeQuota(quota, competition?.timeZone ?? "UTC");
  if (quota.leftToday === 0) throw new AppError("QUOTA_EXCEEDED", `no entries left: ${quotaLine}; nothing was uploaded`);
  io.stderr(`${quotaLine}; this entry counts once it is scored`);
  let status: number;
  let body: { submission?: SubmissionView; error?: { message: string } } | null;
  if (isModel) {
    ({ status, body } = await submitModel(client, args.competition, path, args.data ?? [], args.manifest, details, io));
  } else {
    ({ status, body } = statSync(path).size > DIRECT_POST_LIMIT_BYTES ? await uploadResultsFile(client, base, path, details, io) : await postResultsFile(client, base, path, details, io));
  }
  if (status === 422) {
    io.stderr(`invalid ${isModel ? "model" : "submission"} ${path}:\n${body?.error?.message ?? ""}`);
    return 1;
  }
  if (status >= 300 && status !== 202) throw apiError(status, body);
  let submission = body!.submission!;
  if (args.wait) submission = await waitForSubmission(client, `${base}/${submission.id}`, submission, io);
  io.stdout(describeSubmission(submission));
  // Accepted: scored, or waiting for (or already running on) a worker.
  return ["scored", "queued", "running"].includes(submission.status) ? 0 : 1;
}
