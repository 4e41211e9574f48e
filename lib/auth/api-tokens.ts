import { createHash, randomBytes } from "node:crypto";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

// API tokens for the CLI and API: shown once, stored as a SHA-256 hash (they are long random strings, so a fast
// hash is enough), revocable, with the last use recorded.

const TOKEN_PREFIX = "pod_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface CreatedToken {
  id: string;
  /** The secret itself: shown to the user once, never stored. */
  token: string;
  prefix: string;
  name: string;
}

export async function createApiToken(prisma: PodiumPrisma, input: { userId: string; name: string; teamId?: string | null; expiresAt?: Date | null }): Promise<CreatedToken> {
  const name = input.name.trim();
  if (name === "" || name.length > 80) throw new AppError("BAD_REQUEST", "a token needs a name of 1 to 80 characters");
  const token = `${TOKEN_PREFIX}${randomBytes(24).toString("base64url")}`;
  const prefix = token.slice(0, 10);
  const record = await prisma.apiToken.create({
    data: { userId: input.userId, teamId: input.teamId ?? null, name, prefix, tokenHash: hashToken(token), expiresAt: input.expiresAt ?? null },
  });
  return { id: record.id, token, prefix, name };
}

export interface TokenOwner {
  tokenId: string;
  userId: string;
  teamId: string | null;
  isAdmin: boolean;
  email: string;
}

/** The owner of a presented token, or an UNAUTHORIZED error saying why it is not accepted. */
export async function authenticateApiToken(prisma: PodiumPrisma, token: string): Promise<TokenOwner> {
  if (!token.startsWith(TOKEN_PREFIX)) throw new AppError("UNAUTHORIZED", "not a Podium API token (they start with pod_)");
  const record = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: { id: true, isAdmin: true, email: true } } } });
  if (!record) throw new AppError("UNAUTHORIZED", "unknown API token");
  if (record.revokedAt) throw new AppError("UNAUTHORIZED", `API token ${record.prefix}… was revoked on ${record.revokedAt.toISOString()}`);
  if (record.expiresAt && record.expiresAt.getTime() < Date.now()) throw new AppError("UNAUTHORIZED", `API token ${record.prefix}… expired on ${record.expiresAt.toISOString()}`);
  await prisma.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  return { tokenId: record.id, userId: record.user.id, teamId: record.teamId, isAdmin: record.user.isAdmin, email: record.user.email };
}

export async function listApiTokens(prisma: PodiumPrisma, userId: string) {
  return prisma.apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, expiresAt: true, teamId: true },
  });
}

export async function revokeApiToken(prisma: PodiumPrisma, userId: string, tokenId: string): Promise<void> {
  const result = await prisma.apiToken.updateMany({ where: { id: tokenId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (result.count === 0) throw new AppError("NOT_FOUND", "no such active token of yours");
}
