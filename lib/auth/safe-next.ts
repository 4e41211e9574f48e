/** Where a signed-in user lands unless a page asked to come back elsewhere. */
export const SIGNED_IN_HOME = "/competitions";

/** A `next` that stays on this site (a path, not `//other.host`); anything else lands on SIGNED_IN_HOME. */
export function safeNext(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : SIGNED_IN_HOME;
}
