import type { PodiumPrisma } from "../db/open-database";
import { consumeRateLimit, rateLimitExhausted, type RateLimitVerdict } from "../rate-limits/rate-limits";

// Brute force on sign-in, limited in the database so every web process and Lambda instance shares the counts
// (lib/rate-limits). Keys are the e-mail as typed, known or not, so a refusal says nothing about which addresses have
// accounts. Three counts:
// - failures on one account from one address: past the limit that address is locked out of that account, even with
//   the right password, until the window ends (the answer says when);
// - failures on one account from everywhere: a slower brake on guessing spread over many addresses;
// - attempts from one address on any account: password spraying.
// Open sessions and API tokens never depend on these, and other addresses keep signing in: a rival who fails on
// purpose cannot lock a team out before a deadline.

const pairKey = (email: string, address: string) => `${email}|${address}`;

/** Whether this sign-in attempt may be checked at all; counts it against the address. */
export async function signInGate(prisma: PodiumPrisma, email: string, address: string): Promise<RateLimitVerdict> {
  const perAddress = await consumeRateLimit(prisma, "signInAttemptsPerAddress", address);
  if (!perAddress.allowed) return perAddress;
  const pair = await rateLimitExhausted(prisma, "signInFailuresPerAccountAddress", pairKey(email, address));
  if (!pair.allowed) return pair;
  return rateLimitExhausted(prisma, "signInFailuresPerAccount", email);
}

/** Counts a failed sign-in against the account, from this address and overall. */
export async function recordSignInFailure(prisma: PodiumPrisma, email: string, address: string): Promise<void> {
  await consumeRateLimit(prisma, "signInFailuresPerAccountAddress", pairKey(email, address));
  await consumeRateLimit(prisma, "signInFailuresPerAccount", email);
}
