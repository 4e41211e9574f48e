import "server-only";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/auth/actor";
import { getActor } from "@/server/actor";

/** The signed-in actor of a page, or a redirect to sign in and come back. */
export async function requirePageActor(returnTo: string): Promise<NonNullable<Actor>> {
  const actor = await getActor();
  if (!actor) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return actor;
}
