import { requireOrganizer, type Actor } from "../auth/actor";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { deleteBlobsUnder, type BlobStore } from "../storage/blob-store";
import { getCompetitionOrThrow } from "./manage-competitions";

/** Every key a competition's blobs live under (datasets and bundles by version, entries by team). */
export function competitionBlobPrefixes(competitionId: string): string[] {
  return [`datasets/${competitionId}/`, `bundles/${competitionId}/`, `submissions/${competitionId}/`];
}

export interface DeletedCompetition {
  slug: string;
  rehearsal: boolean;
  /** Rows that went with it. */
  teams: number;
  submissions: number;
  /** Rehearsal accounts (lib/users/rehearsal-accounts.ts), with their tokens and memberships. */
  accounts: number;
  /** Blobs removed from storage. */
  blobs: number;
}

/**
 * Deletes a competition, its teams, entries, scores, jobs, dataset versions and rehearsal accounts (the database's
 * cascades), then its blobs. Only its organizers (or an admin) may; a competition that is not a rehearsal needs
 * `force`, so a real event is never deleted by a command meant for its rehearsal. The rows go first, in one
 * statement: a storage fault afterwards leaves unreachable blobs (named in the error), never a competition whose data
 * is half gone.
 */
export async function deleteCompetition(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, options: { force?: boolean } = {}): Promise<DeletedCompetition> {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  if (!competition.rehearsal && !options.force) {
    throw new AppError("CONFLICT", `${slug} is not a rehearsal: deleting it removes its teams, entries and data for good; say --force (the API: "force": true) if that is meant`);
  }
  const [teams, submissions, accounts] = await Promise.all([
    prisma.team.count({ where: { competitionId: competition.id } }),
    prisma.submission.count({ where: { competitionId: competition.id } }),
    prisma.user.count({ where: { rehearsalCompetitionId: competition.id } }),
  ]);
  await prisma.competition.delete({ where: { id: competition.id } });
  let blobs = 0;
  for (const prefix of competitionBlobPrefixes(competition.id)) {
    try {
      await deleteBlobsUnder(store, prefix, () => (blobs += 1));
    } catch (error) {
      throw new AppError("UNAVAILABLE", `${slug} is deleted, but storage failed while removing its files under ${prefix} (${blobs} removed): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { slug, rehearsal: competition.rehearsal, teams, submissions, accounts, blobs };
}
