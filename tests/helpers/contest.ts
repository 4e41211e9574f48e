import type { Actor } from "../../lib/auth/actor";
import { competitionCreateSchema } from "../../lib/competitions/competition-settings";
import { createCompetition } from "../../lib/competitions/manage-competitions";
import { activateDatasetVersion, runDatasetValidation } from "../../lib/datasets/dataset-versions";
import type { PodiumPrisma } from "../../lib/db/open-database";
import { DEFAULT_WEIGHTS, queryValue, splitQueries } from "../../lib/scoring";
import type { BlobStore } from "../../lib/storage/blob-store";
import type { SubmitDatabase } from "../../lib/submissions/submit-results";
import { submitResults } from "../../lib/submissions/submit-results";
import { createUser } from "../../lib/users/create-user";
import { tarArchive, validDatasetEntries, type FixtureEntry } from "./archives";
import { uploadDatasetArchive } from "./upload";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The settings every fixture contest runs with unless its test overrides them — realistic ones, not the defaults
 * (docs THREATS.md): a schedule in a non-UTC time zone (opened yesterday, closing in 30 days), a leaderboard that
 * freezes (the freeze is still ahead, so the public board keeps moving while the tests submit) and half of the
 * queries on the public split.
 */
export function realisticSettings(now = Date.now()) {
  return {
    timeZone: "America/Los_Angeles",
    startsAt: new Date(now - DAY_MS).toISOString(),
    endsAt: new Date(now + 30 * DAY_MS).toISOString(),
    freezeAt: new Date(now + 20 * DAY_MS).toISOString(),
    leaderboard: "frozen",
    publicFraction: 0.5,
    splitSeed: "fixture",
  };
}

/**
 * A competition with an active dataset of `queries` queries (query i matches gallery g<i>), ready for submissions,
 * with realisticSettings() under the test's own `settings`.
 */
export async function createContest(prisma: PodiumPrisma, store: BlobStore, options: { slug: string; queries?: number; settings?: Record<string, unknown>; entries?: FixtureEntry[] }) {
  const email = `organizer-${options.slug}@contest.test`;
  const user = await createUser(prisma, { email, password: "organizer password" });
  const organizer: Actor = { userId: user.id, isAdmin: false };
  const competition = await createCompetition(prisma, organizer, competitionCreateSchema.parse({ slug: options.slug, title: options.slug, ...realisticSettings(), ...options.settings }));
  const entries = options.entries ?? (await validDatasetEntries(options.queries ?? 12));
  const started = await uploadDatasetArchive(prisma, store, organizer, options.slug, "dataset.tar.gz", await tarArchive(entries, true));
  const report = await runDatasetValidation(prisma, store, started.versionId);
  if (report.status !== "ready") throw new Error(`fixture dataset rejected: ${JSON.stringify(report.problems)}`);
  await activateDatasetVersion(prisma, organizer, options.slug, 1);
  const queries = Array.from({ length: options.queries ?? 12 }, (_, i) => `q${i}.jpg`);
  const gallery = [...queries.map((_, i) => `g${i}.jpg`), "distractor-1.png", "distractor-2.jpg"];
  return { competition, organizer, queries, gallery };
}

/** A results map whose query i has its first correct entry at ranks[i % ranks.length] (0: none); ≤ 10 entries. */
export function resultsFor(queries: string[], gallery: string[], ranks: number[]): Record<string, string[]> {
  return Object.fromEntries(
    queries.map((query, i) => {
      const rank = ranks[i % ranks.length]!;
      const list = gallery.filter((name) => name !== `g${i}.jpg`).slice(0, 10);
      if (rank > 0) list[rank - 1] = `g${i}.jpg`;
      return [query, list];
    }),
  );
}

/**
 * The public score of `resultsFor(queries, gallery, ranks)` in `competition` (its split, the default weights),
 * computed with lib/scoring's own split and query values: what the API and the legacy endpoint must report.
 */
export function publicScoreOf(competition: { publicFraction: number; splitSeed: string }, queries: string[], ranks: number[]): number {
  const isPublic = splitQueries(queries, { seed: competition.splitSeed, publicFraction: competition.publicFraction });
  const values = queries.flatMap((_, i) => (isPublic[i] === 1 ? [queryValue(ranks[i % ranks.length]!, DEFAULT_WEIGHTS)] : []));
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Submits `resultsFor(contest's queries, gallery, ranks)` for a team through the API's channel and returns the
 * scored outcome (anything else throws): what most tests of boards and settings need of an entry.
 */
export async function submitRanks(
  database: SubmitDatabase,
  store: BlobStore,
  contest: { competition: { id: string }; queries: string[]; gallery: string[] },
  team: { id: string; actor: Actor },
  ranks: number[],
  options: { now?: Date } = {},
) {
  const outcome = await submitResults(database, store, {
    competitionId: contest.competition.id,
    teamId: team.id,
    userId: team.actor!.userId,
    channel: "API",
    bytes: new TextEncoder().encode(JSON.stringify(resultsFor(contest.queries, contest.gallery, ranks))),
    fileName: null,
    ...(options.now ? { now: options.now } : {}),
  });
  if (outcome.kind !== "scored") throw new Error(`expected a scored entry, got ${outcome.kind}`);
  return outcome;
}

/**
 * A model entry recorded as scored, with `lists` as its generated top-10 file, without running a model: for tests of
 * what is shown of a model entry (downloads, analysis), not of how it is run.
 */
export async function scoredModelEntry(prisma: PodiumPrisma, store: BlobStore, competitionId: string, teamId: string, lists: Record<string, string[]>) {
  const base = `submissions/${competitionId}/${teamId}/${Math.random().toString(36).slice(2)}`;
  const resultsKey = `${base}.top10.json`;
  await store.put(resultsKey, JSON.stringify(lists));
  const { activeDatasetVersionId } = await prisma.competition.findUniqueOrThrow({ where: { id: competitionId } });
  return prisma.submission.create({
    data: {
      competitionId,
      teamId,
      datasetVersionId: activeDatasetVersionId,
      kind: "MODEL",
      channel: "API",
      status: "SCORED",
      storageKey: `${base}.onnx`,
      sha256: "0".repeat(64),
      sizeBytes: 1n,
      quotaDay: "2026-12-01",
      resultsKey,
      finishedAt: new Date(),
    },
  });
}
