import { AppError } from "../errors/app-error";

// What an API token may do. A token for a CI job that only submits should not be able to change a competition or
// mint more tokens: `read` is every GET, `submit` is a team's own writes (entries, models, teams, finals), `manage`
// is everything an organizer or an account owner does (settings, datasets, reveal, admin actions, tokens, rehearsal
// accounts).

export const TOKEN_SCOPES = ["read", "submit", "manage"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const MANAGE_PATHS = [
  /^\/api\/v1\/tokens(\/|$)/,
  /^\/api\/v1\/competitions\/?$/,
  /^\/api\/v1\/competitions\/[^/]+\/?$/,
  /^\/api\/v1\/competitions\/[^/]+\/(organizers|datasets|reveal|admin|audit|rehearsal|team\/tokens)(\/|$)/,
];

/** The scope an API request needs, from its method and path. */
export function scopeNeededFor(method: string, pathname: string): TokenScope {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return "read";
  return MANAGE_PATHS.some((pattern) => pattern.test(pathname)) ? "manage" : "submit";
}

/** Refuses a token that lacks the scope; browser sessions (no scopes) may do everything their user may. */
export function requireScope(scopes: readonly string[] | undefined, needed: TokenScope): void {
  if (scopes && !scopes.includes(needed)) {
    throw new AppError("FORBIDDEN", `this API token may only ${scopes.join(", ") || "do nothing"}; this request needs the "${needed}" scope`);
  }
}

/** Scopes for a new token: what was asked (default: all the parent has), never more than the parent has. */
export function scopesForNewToken(requested: readonly TokenScope[] | undefined, parentScopes: readonly string[] | undefined): TokenScope[] {
  const ceiling = parentScopes ?? TOKEN_SCOPES;
  const scopes = [...new Set(requested ?? ceiling)].filter((scope): scope is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(scope));
  const beyond = scopes.filter((scope) => !ceiling.includes(scope));
  if (beyond.length > 0) throw new AppError("FORBIDDEN", `a token cannot mint a token with more than it has: "${beyond.join('", "')}" is not among its scopes (${ceiling.join(", ")})`);
  if (scopes.length === 0) throw new AppError("BAD_REQUEST", `a token needs at least one scope of ${TOKEN_SCOPES.join(", ")}`);
  return TOKEN_SCOPES.filter((scope) => scopes.includes(scope));
}
