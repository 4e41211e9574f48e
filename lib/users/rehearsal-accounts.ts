import { z } from "zod";
import { requireSignedIn, type Actor } from "../auth/actor";
import { createApiToken } from "../auth/api-tokens";
import { recordAuditEvent } from "../audit/record-audit-event";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

// Throwaway participant accounts for a rehearsal (`podium rehearse`): it registers dozens of teams through the public
// API with only an admin token, and sign-ups are rate limited per address. Each account has no password (nobody signs
// in with it in a browser), one API token, and is deleted with its rehearsal (users.rehearsal_competition_id cascades).

export const MAX_REHEARSAL_ACCOUNTS = 100;

const rehearsalAccountName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be 1 to 40 lowercase letters, digits or dashes, starting with a letter or digit");

export const rehearsalAccountsSchema = z
  .object({
    names: z.array(rehearsalAccountName).min(1, "name at least one account").max(MAX_REHEARSAL_ACCOUNTS, `at most ${MAX_REHEARSAL_ACCOUNTS} accounts at a time`),
  })
  .strict()
  .superRefine(({ names }, context) => {
    const seen = new Set<string>();
    for (const [index, name] of names.entries()) {
      if (seen.has(name)) context.addIssue({ code: "custom", path: ["names", index], message: `"${name}" is named twice` });
      seen.add(name);
    }
  });

export interface RehearsalAccount {
  name: string;
  email: string;
  /** The account's API token: shown once, never stored. */
  token: string;
}

/** The address of a rehearsal account: `.invalid` can never receive mail nor belong to a real person. */
export function rehearsalAccountEmail(name: string, slug: string): string {
  return `${name}@${slug}.rehearsal.invalid`;
}

/**
 * Creates one account with one API token per name, for the rehearsal `slug`; admins only (an organizer could
 * otherwise mint accounts past the sign-up limits), and never through a team token. All or nothing: a taken address
 * is a CONFLICT naming it, and no account is made.
 */
export async function createRehearsalAccounts(prisma: PodiumPrisma, actor: Actor, slug: string, names: string[]): Promise<{ accounts: RehearsalAccount[] }> {
  requireSignedIn(actor);
  if (actor.teamId || !actor.isAdmin) throw new AppError("FORBIDDEN", "only an admin creates rehearsal accounts");
  // The route has parsed the body already; other callers get the same checks.
  const parsed = rehearsalAccountsSchema.safeParse({ names });
  if (!parsed.success) throw new AppError("BAD_REQUEST", parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  const competition = await getCompetitionOrThrow(prisma, slug);
  if (!competition.rehearsal) throw new AppError("CONFLICT", `${slug} is not a rehearsal: accounts are made only for rehearsals (podium competition create --rehearsal)`);

  const emails = names.map((name) => rehearsalAccountEmail(name, slug));
  const takenMessage = (taken: string[]) => `${taken.length === 1 ? "an account for" : "accounts for"} ${taken.join(", ")} already ${taken.length === 1 ? "exists" : "exist"}: no account was created`;
  const taken = await prisma.user.findMany({ where: { email: { in: emails } }, select: { email: true } });
  if (taken.length > 0) throw new AppError("CONFLICT", takenMessage(taken.map((user) => user.email).sort()));
  try {
    return await prisma.$transaction(async (tx) => {
      const users = await tx.user.createManyAndReturn({
        data: names.map((name, index) => ({ email: emails[index]!, name, rehearsalCompetitionId: competition.id })),
        select: { id: true, email: true },
      });
      // RETURNING promises no order: match the rows back by address.
      const userIdByEmail = new Map(users.map((user) => [user.email, user.id]));
      const accounts: RehearsalAccount[] = [];
      for (const [index, name] of names.entries()) {
        const { token } = await createApiToken(tx, { userId: userIdByEmail.get(emails[index]!)!, name: "rehearsal" });
        accounts.push({ name, email: emails[index]!, token });
      }
      await recordAuditEvent(tx, { actorId: actor.userId, competitionId: competition.id, action: "rehearsal.create-accounts", target: { type: "competition", id: competition.id }, details: { names } });
      return { accounts };
    });
  } catch (error) {
    // An address taken between the check and the insert (two requests racing): the unique index decides.
    if ((error as { code?: string }).code === "P2002") {
      const nowTaken = await prisma.user.findMany({ where: { email: { in: emails } }, select: { email: true } });
      if (nowTaken.length > 0) throw new AppError("CONFLICT", takenMessage(nowTaken.map((user) => user.email).sort()));
    }
    throw error;
  }
}
