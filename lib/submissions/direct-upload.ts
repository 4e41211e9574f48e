import { requireSignedIn, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import { AppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import { partSizeFor } from "../storage/part-size";
import { teamOfActorOrThrow } from "../teams/create-team";
import { checkSubmissionWindow, type SubmitDatabase } from "./submit-results";

// What a model and a results file sent straight to storage share: the team that may start one, the RECEIVED entry
// its parts belong to, and the presigned URLs of those parts — never more parts than its declared size needs.

type UploadKind = "MODEL" | "RESULTS";

const NOUNS: Record<UploadKind, { upload: string; thing: string }> = {
  MODEL: { upload: "model upload", thing: "model" },
  RESULTS: { upload: "results upload", thing: "results file" },
};

const UPLOAD_URL_SECONDS = 3600;

/** The caller's team, when it may submit `kind` now (signed in, a member, inside the window, not disqualified). */
export async function teamAllowedToSubmit(database: SubmitDatabase, actor: Actor, slug: string, now: Date, kind: UploadKind) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(database.prisma, slug);
  const team = await teamOfActorOrThrow(database.prisma, actor, competition);
  checkSubmissionWindow(competition, now, kind);
  if (team.disqualifiedAt) throw new AppError("FORBIDDEN", `team "${team.name}" was disqualified${team.disqualifiedReason ? `: ${team.disqualifiedReason}` : ""}`);
  return { competition, team };
}

/** The caller's team's entry `submissionId` of `kind`, still waiting for its parts. */
export async function receivedUploadOrThrow(database: SubmitDatabase, actor: Actor, slug: string, submissionId: string, kind: UploadKind) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(database.prisma, slug);
  const team = await teamOfActorOrThrow(database.prisma, actor, competition);
  const submission = await database.prisma.submission.findFirst({ where: { id: submissionId, teamId: team.id, kind } });
  if (!submission) throw new AppError("NOT_FOUND", `no ${NOUNS[kind].upload} ${submissionId} of your team in ${slug}`);
  if (submission.status !== "RECEIVED") throw new AppError("CONFLICT", `${NOUNS[kind].thing} ${submissionId} was already uploaded (it is ${submission.status.toLowerCase()})`);
  return { competition, team, submission };
}

/**
 * Presigned URLs for parts of a received entry's upload. Part numbers stop at what the declared size needs: beyond
 * them a client could store any amount under the entry's key (a part may be 5 GB).
 */
export async function presignReceivedParts(store: BlobStore, submission: { storageKey: string; sizeBytes: bigint }, uploadId: string, partNumbers: number[]) {
  if (partNumbers.length === 0 || partNumbers.length > 100) throw new AppError("BAD_REQUEST", "ask for 1 to 100 part URLs at a time");
  const size = Number(submission.sizeBytes);
  const partCount = Math.max(1, Math.ceil(size / partSizeFor(size)));
  const beyond = partNumbers.find((partNumber) => partNumber > partCount);
  if (beyond !== undefined) throw new AppError("BAD_REQUEST", `part ${beyond} is beyond the ${partCount} part(s) of a ${size}-byte file`);
  const urls = await Promise.all(partNumbers.map((partNumber) => store.presignUploadPart(submission.storageKey, uploadId, partNumber, { expiresIn: UPLOAD_URL_SECONDS })));
  return partNumbers.map((partNumber, i) => ({ partNumber, url: urls[i]! }));
}
