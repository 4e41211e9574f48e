import { randomBytes } from "node:crypto";
import type { PodiumPrisma } from "../db/open-database";

// Browser sessions are JWTs in a cookie (Auth.js with the credentials provider), which on their own stay valid until
// they expire, whatever happens on the server. Each one therefore names a row of `sessions`, checked on every
// request: signing out deletes the row, changing the password deletes all of the user's rows (lib/users/change-password.ts), and a stolen cookie
// then opens nothing.

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** Records a new session of the user and returns the id its JWT carries. */
export async function openBrowserSession(prisma: PodiumPrisma, userId: string, maxAgeSeconds = SESSION_MAX_AGE_SECONDS): Promise<string> {
  const sessionToken = randomBytes(24).toString("base64url");
  await prisma.session.create({ data: { sessionToken, userId, expires: new Date(Date.now() + maxAgeSeconds * 1000) } });
  return sessionToken;
}

/** Whether the session a JWT names is still open (not signed out, not ended by a password change, not expired). */
export async function isBrowserSessionOpen(prisma: PodiumPrisma, sessionToken: unknown, userId: unknown): Promise<boolean> {
  if (typeof sessionToken !== "string" || typeof userId !== "string") return false;
  const row = await prisma.session.findUnique({ where: { sessionToken }, select: { userId: true, expires: true } });
  return row !== null && row.userId === userId && row.expires.getTime() > Date.now();
}

export async function endBrowserSession(prisma: PodiumPrisma, sessionToken: unknown): Promise<void> {
  if (typeof sessionToken === "string") await prisma.session.deleteMany({ where: { sessionToken } });
}
