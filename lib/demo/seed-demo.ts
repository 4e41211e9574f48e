import { Readable } from "node:stream";
import type { Actor } from "../auth/actor";
import { competitionCreateSchema } from "../competitions/competition-settings";
import { createCompetition, updateCompetition } from "../competitions/manage-competitions";
import { activateDatasetVersion, completeDatasetUpload, datasetKeys, presignDatasetParts, startDatasetUpload, validateDatasetVersionSafely } from "../datasets/dataset-versions";
import type { Database, PodiumPrisma } from "../db/open-database";
import type { BlobStore, CompletedPart } from "../storage/blob-store";
import { FolderBlobStore } from "../storage/folder-blob-store";
import { submitModelBytes, type ModelCheckSettings } from "../submissions/submit-model";
import { submitResults } from "../submissions/submit-results";
import { createTeam } from "../teams/create-team";
import { createUser, newUserSchema } from "../users/create-user";
import { buildBaselineEncoders, type BaselineEncoder } from "./baseline-encoders";
import { buildDemoDataset, DEMO_DEFAULTS, type DemoDataset, type DemoDatasetOptions } from "./build-demo-dataset";
import { DEMO_COMPETITION, DEMO_ORGANIZER, DEMO_PASSWORD, DEMO_SLUG, DEMO_TEAMS, demoEntryFileName, type DemoEntryPlan } from "./demo-contest";
import { rankWithEncoder } from "./rank-with-encoder";
import { randomEntryOf } from "./score-demo-entries";
import { writeDemoExamples, type DemoExamples } from "./write-demo-examples";
import { zipDatasetFiles } from "./zip-dataset-files";

// Seeds the demo contest (demo-contest.ts) through the same lib/ functions the web, API and CLI use: accounts,
// the competition, the generated dataset uploaded in parts, validated and activated, teams, and their entries —
// results files scored at once, models checked, dry-run and queued for the worker. Every step first looks for what
// it would create, so a second run changes nothing and a run cut short is finished by the next one.

export interface SeedDemoOptions {
  /** Dry-run limits and the wake-up, as the server uses when a team uploads a model. */
  checks: ModelCheckSettings;
  /** The demo dataset's size (default: DEMO_DEFAULTS). Only used when the dataset is built. */
  dataset?: Omit<DemoDatasetOptions, "outDir" | "zipPath">;
  /** Writes the baseline .onnx files and a legacy-client body here (files already there are kept). */
  examplesDir?: string;
  log?: (line: string) => void;
}

export interface DemoEntrySummary {
  team: string;
  kind: "results" | "model";
  fileName: string | null;
  status: string;
  /** Public-split score once scored. */
  publicScore: number | null;
  error: string | null;
}

export interface DemoSummary {
  slug: string;
  title: string;
  /** What this run did, in order; empty when the demo was already complete. */
  changes: string[];
  paths: { competition: string; manage: string; signIn: string; account: string; leaderboardApi: string; legacy: string; legacyForCompetition: string };
  /** True when the bare /retrieval/ endpoint answers for the demo (another competition may hold it). */
  legacyDefault: boolean;
  signIns: { email: string; password: string; role: string }[];
  dataset: { version: number; queries: number; gallery: number; training: number };
  teams: number;
  entries: DemoEntrySummary[];
  examples: DemoExamples | null;
}

const ARCHIVE_NAME = "demo-dataset.zip";

async function ensureUser(prisma: PodiumPrisma, changes: string[], input: { email: string; name: string; isAdmin: boolean }): Promise<NonNullable<Actor>> {
  const existing = await prisma.user.findUnique({ where: { email: input.email } });
  if (existing) return { userId: existing.id, isAdmin: existing.isAdmin };
  const user = await createUser(prisma, newUserSchema.parse({ ...input, password: DEMO_PASSWORD }));
  changes.push(`created ${input.isAdmin ? "admin " : ""}user ${input.email}`);
  return { userId: user.id, isAdmin: user.isAdmin };
}

/** One part to storage: the folder store in this process (its signed URLs need the server), S3 through its URL. */
async function uploadPart(prisma: PodiumPrisma, store: BlobStore, actor: Actor, started: { versionId: string; uploadId: string }, partNumber: number, body: Buffer): Promise<CompletedPart> {
  if (store instanceof FolderBlobStore) {
    const { archiveKey } = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: started.versionId } });
    return { partNumber, etag: await store.putPart(archiveKey, started.uploadId, partNumber, Readable.from([body])) };
  }
  const [presigned] = await presignDatasetParts(prisma, store, actor, DEMO_SLUG, started.versionId, started.uploadId, [partNumber]);
  const response = await fetch(presigned!.url, { method: "PUT", body: new Uint8Array(body) });
  if (!response.ok) throw new Error(`uploading part ${partNumber} of the demo dataset failed: ${response.status} ${await response.text()}`);
  return { partNumber, etag: response.headers.get("etag")! };
}

/** Uploads the archive in parts as the browser and CLI do, validates it like the server's job, and activates it. */
async function uploadDataset(prisma: PodiumPrisma, store: BlobStore, organizer: Actor, archive: Buffer, log: (line: string) => void): Promise<number> {
  const started = await startDatasetUpload(prisma, store, organizer, DEMO_SLUG, { fileName: ARCHIVE_NAME, size: archive.length });
  const parts: CompletedPart[] = [];
  for (let partNumber = 1; partNumber <= started.partCount; partNumber++) {
    parts.push(await uploadPart(prisma, store, organizer, started, partNumber, archive.subarray((partNumber - 1) * started.partSize, partNumber * started.partSize)));
  }
  await completeDatasetUpload(prisma, store, organizer, DEMO_SLUG, started.versionId, started.uploadId, parts);
  log(`validating dataset version ${started.number} (every image is decoded)…`);
  await validateDatasetVersionSafely(prisma, store, started.versionId);
  const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: started.versionId } });
  if (version.status !== "READY") throw new Error(`the demo dataset was rejected: ${version.error ?? version.status}`);
  await activateDatasetVersion(prisma, organizer, DEMO_SLUG, version.number);
  return version.number;
}

function encoderNamed(encoders: BaselineEncoder[], name: string): BaselineEncoder {
  const encoder = encoders.find((candidate) => candidate.name === name);
  if (!encoder) throw new Error(`no baseline encoder ${name}`);
  return encoder;
}

async function submitEntry(
  database: Database,
  store: BlobStore,
  options: SeedDemoOptions,
  context: { actor: NonNullable<Actor>; teamId: string; competitionId: string; encoders: BaselineEncoder[]; dataset: () => Promise<DemoDataset> },
  entry: DemoEntryPlan,
): Promise<string> {
  const fileName = demoEntryFileName(entry);
  if (entry.kind === "model") {
    const encoder = encoderNamed(context.encoders, entry.baseline);
    const outcome = await submitModelBytes(database, store, context.actor, DEMO_SLUG, { bytes: encoder.model, fileName, manifest: encoder.manifest, channel: "API" }, options.checks);
    if (outcome.kind !== "queued") throw new Error(`the demo model ${fileName} was not queued: ${outcome.message}`);
    return "queued for the worker";
  }
  const results = entry.kind === "random" ? randomEntryOf(await context.dataset()) : await rankWithEncoder(await context.dataset(), encoderNamed(context.encoders, entry.baseline));
  const outcome = await submitResults(database, store, { competitionId: context.competitionId, teamId: context.teamId, userId: context.actor.userId, channel: "API", bytes: Buffer.from(JSON.stringify(results)), fileName });
  if (outcome.kind === "invalid") throw new Error(`the demo results file ${fileName} was rejected: ${outcome.errors.map((error) => error.message).join("; ")}`);
  if (outcome.kind === "quota") throw new Error(`the demo results file ${fileName} was refused: ${outcome.message}`);
  return outcome.kind === "scored" ? `scored ${outcome.splits.public.score.toFixed(2)} (public)` : "queued";
}

/** Creates (or finishes creating) the demo contest; returns what it did and where everything is. */
export async function seedDemo(database: Database, store: BlobStore, options: SeedDemoOptions): Promise<DemoSummary> {
  const { prisma } = database;
  const log = options.log ?? (() => {});
  const changes: string[] = [];
  const encoders = buildBaselineEncoders();
  let built: Promise<DemoDataset> | null = null;
  const dataset = () => {
    if (!built) {
      const settings = { ...DEMO_DEFAULTS, ...options.dataset };
      log(`rendering the demo dataset (seed "${settings.seed}", ${settings.identities} people to find)…`);
      built = buildDemoDataset(options.dataset);
    }
    return built;
  };

  const organizer = await ensureUser(prisma, changes, { ...DEMO_ORGANIZER, isAdmin: true });
  let competition = await prisma.competition.findUnique({ where: { slug: DEMO_SLUG } });
  if (!competition) {
    competition = await createCompetition(prisma, organizer, competitionCreateSchema.parse(DEMO_COMPETITION));
    changes.push(`created competition ${DEMO_SLUG}`);
    // The bare /retrieval/ of the original client answers for one competition: the demo takes it only if it is free.
    if (!(await prisma.competition.findFirst({ where: { isLegacyDefault: true } }))) {
      competition = await updateCompetition(prisma, organizer, DEMO_SLUG, { legacyDefault: true });
      changes.push("made the demo the competition behind /retrieval/");
    }
  }

  if (!competition.activeDatasetVersionId) {
    const ready = await prisma.datasetVersion.findFirst({ where: { competitionId: competition.id, status: "READY" }, orderBy: { number: "desc" } });
    let number: number;
    if (ready) number = (await activateDatasetVersion(prisma, organizer, DEMO_SLUG, ready.number)).number;
    else {
      const archive = await zipDatasetFiles((await dataset()).files);
      log(`uploading the demo dataset (${(archive.length / 1024 ** 2).toFixed(1)} MiB)…`);
      number = await uploadDataset(prisma, store, organizer, archive, log);
    }
    changes.push(`activated dataset version ${number}`);
    competition = await prisma.competition.findUniqueOrThrow({ where: { id: competition.id } });
  }

  for (const plan of DEMO_TEAMS) {
    const actor = await ensureUser(prisma, changes, { email: plan.email, name: plan.name, isAdmin: false });
    const member = await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: actor.userId } } });
    const teamId = member?.teamId ?? (await createTeam(prisma, actor, DEMO_SLUG, plan.team)).id;
    if (!member) changes.push(`created team "${plan.team}" (${plan.email})`);
    for (const entry of plan.entries) {
      const fileName = demoEntryFileName(entry);
      // An entry refused or cancelled earlier is submitted again; one that is stored, queued or scored is not.
      const existing = await prisma.submission.findFirst({ where: { teamId, fileName, status: { notIn: ["INVALID", "CANCELLED", "FAILED"] } } });
      if (existing) continue;
      log(`submitting ${fileName} for "${plan.team}"…`);
      const result = await submitEntry(database, store, options, { actor, teamId, competitionId: competition.id, encoders, dataset }, entry);
      changes.push(`submitted ${fileName} for "${plan.team}": ${result}`);
    }
  }

  let examples: DemoExamples | null = null;
  const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: competition.activeDatasetVersionId! } });
  if (options.examplesDir) {
    const names = JSON.parse((await store.get(datasetKeys(competition.id, version.id, version.archiveKey).names)).toString("utf8")) as { queries: string[]; gallery: string[] };
    examples = writeDemoExamples(options.examplesDir, encoders, names, options.dataset?.seed ?? DEMO_DEFAULTS.seed);
  }
  return summarize(prisma, competition, version, changes, examples);
}

async function summarize(
  prisma: PodiumPrisma,
  competition: { id: string; slug: string; title: string; isLegacyDefault: boolean },
  version: { number: number; queryCount: number | null; galleryCount: number | null; trainingCount: number | null },
  changes: string[],
  examples: DemoExamples | null,
): Promise<DemoSummary> {
  const submissions = await prisma.submission.findMany({
    where: { competitionId: competition.id },
    orderBy: { createdAt: "asc" },
    select: { kind: true, fileName: true, status: true, error: true, team: { select: { name: true } }, scores: { where: { split: "PUBLIC" }, select: { score: true } } },
  });
  const slug = competition.slug;
  return {
    slug,
    title: competition.title,
    changes,
    paths: {
      competition: `/c/${slug}`,
      manage: `/c/${slug}/manage`,
      signIn: "/sign-in",
      account: "/account",
      leaderboardApi: `/api/v1/competitions/${slug}/leaderboard`,
      legacy: "/retrieval/",
      legacyForCompetition: `/c/${slug}/retrieval/`,
    },
    legacyDefault: competition.isLegacyDefault,
    signIns: [
      { email: DEMO_ORGANIZER.email, password: DEMO_PASSWORD, role: "platform admin, organizer of the demo" },
      ...DEMO_TEAMS.map((plan) => ({ email: plan.email, password: DEMO_PASSWORD, role: `team "${plan.team}"` })),
    ],
    dataset: { version: version.number, queries: version.queryCount ?? 0, gallery: version.galleryCount ?? 0, training: version.trainingCount ?? 0 },
    teams: await prisma.team.count({ where: { competitionId: competition.id } }),
    entries: submissions.map((submission) => ({
      team: submission.team.name,
      kind: submission.kind === "MODEL" ? "model" : "results",
      fileName: submission.fileName,
      status: submission.status.toLowerCase(),
      publicScore: submission.scores[0]?.score ?? null,
      error: submission.error,
    })),
    examples,
  };
}
