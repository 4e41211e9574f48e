import { z } from "zod";
import { hashPassword, verifyPassword } from "../auth/password";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from "../auth/password-policy";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { consumeRateLimit, rateLimitExhausted, throwIfRefused } from "../rate-limits/rate-limits";

export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1, "enter your current password").max(MAX_PASSWORD_LENGTH),
  newPassword: z.string().min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`).max(MAX_PASSWORD_LENGTH, `must have at most ${MAX_PASSWORD_LENGTH} characters`),
});

/**
 * Replaces the user's password after checking the current one, and ends every browser session of the user: a
 * password changed because it leaked also closes the sessions opened with it. API tokens stay (they are revoked
 * one by one on /account). A wrong current password counts as a failed sign-in on the account.
 */
export async function changePassword(prisma: PodiumPrisma, userId: string, raw: z.input<typeof passwordChangeSchema>): Promise<{ sessionsEnded: number }> {
  const input = passwordChangeSchema.parse(raw);
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, omit: { passwordHash: false } });
  if (!user.passwordHash) throw new AppError("BAD_REQUEST", "this account signs in with GitHub and has no password to change");
  throwIfRefused(await rateLimitExhausted(prisma, "signInFailuresPerAccount", user.email));
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await consumeRateLimit(prisma, "signInFailuresPerAccount", user.email);
    throw new AppError("FORBIDDEN", "the current password is not right; nothing was changed");
  }
  if (input.newPassword === input.currentPassword) throw new AppError("BAD_REQUEST", "the new password is the current one; choose another");
  const problem = passwordProblem(input.newPassword, [user.email.split("@")[0]!, user.name ?? ""]);
  if (problem) throw new AppError("BAD_REQUEST", `new password: ${problem}`);
  const passwordHash = await hashPassword(input.newPassword);
  const [, sessionsEnded] = await prisma.$transaction([prisma.user.update({ where: { id: userId }, data: { passwordHash } }), prisma.session.deleteMany({ where: { userId } })]);
  return { sessionsEnded: sessionsEnded.count };
}
