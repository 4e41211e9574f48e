import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

// Idempotency-Key on the submission routes. A client that sent a file and lost the answer (a dropped connection, a
// server killed after it recorded the entry, a 503) sends it again with the same key and gets the first attempt's
// entry back, spending no second quota unit. The key is claimed before the entry is recorded; if the attempt that
// claimed it died, a retry finds the entry it recorded (same team, same bytes, recorded after the claim) or, if it
// recorded none, takes the key over — so an acknowledged entry is never recorded twice, and none is lost.

/** What a key looks like: what clients generate (UUIDs, ULIDs, hashes), and nothing that could be a file. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** A claim younger than this may belong to an attempt still running: a retry is told to wait rather than repeat it. */
export const IN_FLIGHT_MS = 30_000;

/** The request's Idempotency-Key header, validated; null when it has none. */
export function idempotencyKeyOf(headers: Headers): string | null {
  const key = headers.get("idempotency-key");
  if (key === null || key.trim() === "") return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key.trim())) throw new AppError("BAD_REQUEST", "an Idempotency-Key has 8 to 128 letters, digits or . _ : - (a UUID, say)");
  return key.trim();
}

export type IdempotencyClaim = { kind: "new" } | { kind: "replay"; submissionId: string };

/** Claims `key` for this team and file, or names the entry an earlier attempt with the same key recorded. */
export async function claimIdempotencyKey(prisma: PodiumPrisma, input: { teamId: string; key: string; requestSha256: string; now?: Date }): Promise<IdempotencyClaim> {
  const now = input.now ?? new Date();
  try {
    await prisma.idempotencyKey.create({ data: { teamId: input.teamId, key: input.key, requestSha256: input.requestSha256, createdAt: now } });
    return { kind: "new" };
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
  const claim = await prisma.idempotencyKey.findUniqueOrThrow({ where: { teamId_key: { teamId: input.teamId, key: input.key } } });
  if (claim.requestSha256 !== input.requestSha256) throw new AppError("CONFLICT", "this Idempotency-Key was already used for a different file: use a new key for a new file");
  if (claim.submissionId) return { kind: "replay", submissionId: claim.submissionId };
  // The first attempt has not linked an entry: it is still running, or it died before or after recording one.
  const recorded = await prisma.submission.findFirst({
    where: { teamId: input.teamId, sha256: input.requestSha256, createdAt: { gte: claim.createdAt } },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  if (recorded) {
    await prisma.idempotencyKey.updateMany({ where: { teamId: input.teamId, key: input.key, submissionId: null }, data: { submissionId: recorded.id } });
    return { kind: "replay", submissionId: recorded.id };
  }
  if (now.getTime() - claim.createdAt.getTime() < IN_FLIGHT_MS) {
    throw new AppError("CONFLICT", "a request with this Idempotency-Key is still being processed: retry in a few seconds with the same key");
  }
  // Its attempt died before recording anything: take the key over (only one retry can, the others see it moved).
  const taken = await prisma.idempotencyKey.updateMany({ where: { teamId: input.teamId, key: input.key, submissionId: null, createdAt: claim.createdAt }, data: { createdAt: now } });
  if (taken.count === 0) throw new AppError("CONFLICT", "a request with this Idempotency-Key is still being processed: retry in a few seconds with the same key");
  return { kind: "new" };
}

/** Links the recorded entry to its key: later retries return it at once. */
export async function recordIdempotentEntry(prisma: PodiumPrisma, input: { teamId: string; key: string; submissionId: string }): Promise<void> {
  await prisma.idempotencyKey.updateMany({ where: { teamId: input.teamId, key: input.key }, data: { submissionId: input.submissionId } });
}
