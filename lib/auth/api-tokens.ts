import { createHash, randomBytes } from "node:crypto";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { scopesForNewToken, type TokenScope } from "./token-scopes";
import { formatTime } from "../time/format-time";

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
  scopes: TokenScope[];
}

export interface NewApiToken {
  userId: string;
  name: string;
  teamId?: string | null;
  expiresAt?: Date | null;
  /** Default: every scope, or every scope of the parent. */
  scopes?: TokenScope[];
  /** The token this one is minted with: the new one gets no scope the parent lacks, and dies with it. */
  parent?: { tokenId: string; scopes: readonly string[] } | null;
}

/** Takes a client or a transaction, so a token can be made together with the rows it belongs to. */
export async function createApiToken(prisma: Pick<PodiumPrisma, "apiToken">, input: NewApiToken): Promise<CreatedToken> {
  const name = input.name.trim();
  if (name === "" || name.length > 80) throw new AppError("BAD_REQUEST", "a token needs a name of 1 to 80 characters");
  const scopes = scopesForNewToken(input.scopes, input.parent?.scopes);
  const token = `${TOKEN_PREFIX}${randomBytes(24).toString("base64url")}`;
  const prefix = token.slice(0, 10);
  const record = await prisma.apiToken.create({
    data: { userId: input.userId, teamId: input.teamId ?? null, name, prefix, tokenHash: hashToken(token), expiresAt: input.expiresAt ?? null, scopes, parentId: input.parent?.tokenId ?? null },
  });
  return { id: record.id, token, prefix, name, scopes };
}

export interface TokenOwner {
  tokenId: string;
  userId: string;
  teamId: string | null;
  isAdmin: boolean;
  email: string;
  scopes: string[];
}

/** The owner of a presented token, or an UNAUTHORIZED error saying why it is not accepted. */
export async function authenticateApiToken(prisma: PodiumPrisma, token: string): Promise<TokenOwner> {
  if (!token.startsWith(TOKEN_PREFIX)) throw new AppError("UNAUTHORIZED", "not a Podium API token (they start with pod_)");
  const record = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: { id: true, isAdmin: true, email: true } } } });
  if (!record) throw new AppError("UNAUTHORIZED", "unknown API token");
  if (record.revokedAt) throw new AppError("UNAUTHORIZED", `API token ${record.prefix}… was revoked on ${formatTime(record.revokedAt, "UTC")}`);
  if (record.expiresAt && record.expiresAt.getTime() < Date.now()) throw new AppError("UNAUTHORIZED", `API token ${record.prefix}… expired on ${formatTime(record.expiresAt, "UTC")}`);
  // A token minted by a revoked one is revoked with it (revokeApiToken marks the whole family; this also covers a
  // child minted while its parent was being revoked).
  for (let parentId = record.parentId; parentId; ) {
    const parent = await prisma.apiToken.findUnique({ where: { id: parentId }, select: { parentId: true, revokedAt: true, prefix: true } });
    if (!parent || parent.revokedAt) throw new AppError("UNAUTHORIZED", `API token ${record.prefix}… was minted by token ${parent?.prefix ?? "?"}…, which is revoked`);
    parentId = parent.parentId;
  }
  await prisma.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  return { tokenId: record.id, userId: record.user.id, teamId: record.teamId, isAdmin: record.user.isAdmin, email: record.user.email, scopes: record.scopes };
}

export async function listApiTokens(prisma: PodiumPrisma, userId: string) {
  return prisma.apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, expiresAt: true, teamId: true, scopes: true, parentId: true },
  });
}

/** Revokes one of the user's tokens and every token minted from it, at any depth. Returns how many were revoked. */
export async function revokeApiToken(prisma: PodiumPrisma, userId: string, tokenId: string): Promise<number> {
  const now = new Date();
  const result = await prisma.apiToken.updateMany({ where: { id: tokenId, userId, revokedAt: null }, data: { revokedAt: now } });
  if (result.count === 0) throw new AppError("NOT_FOUND", "no such active token of yours");
  let revoked = result.count;
  for (let generation = [tokenId]; generation.length > 0; ) {
    const children = await prisma.apiToken.findMany({ where: { parentId: { in: generation } }, select: { id: true } });
    generation = children.map((child) => child.id);
    if (generation.length > 0) revoked += (await prisma.apiToken.updateMany({ where: { id: { in: generation }, revokedAt: null }, data: { revokedAt: now } })).count;
  }
  return revoked;
}
