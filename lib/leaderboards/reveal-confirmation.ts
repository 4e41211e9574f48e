import { z } from "zod";
import { AppError } from "../errors/app-error";

// A reveal is final (the snapshot is what everyone sees from then on), so every door asks for an explicit
// confirmation first: the API's {"confirm": true}, the dashboard's confirm box.

export const revealConfirmationSchema = z.object({ confirm: z.literal(true) }).passthrough();

export const REVEAL_CONFIRMATION_MESSAGE = 'revealing the private leaderboard is final: send {"confirm": true} to confirm';

/** Throws a 400 naming `confirm` unless the body confirms the reveal. */
export function requireRevealConfirmation(body: unknown): void {
  if (!revealConfirmationSchema.safeParse(body).success) throw new AppError("BAD_REQUEST", `confirm: ${REVEAL_CONFIRMATION_MESSAGE}`);
}
