import { AppError } from "../errors/app-error";

// A browser sends the session cookie with every request to this site, also when another site's page makes it (a
// form post, or fetch with a text/plain body that needs no preflight). State changes authenticated by the cookie
// are therefore accepted only from this site's own pages: the Origin header (or Sec-Fetch-Site, where a browser
// sends no Origin) must name this host. Requests with a bearer token carry no ambient credential and are exempt, and
// so are clients that send neither header (the CLI, curl, the legacy client).

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Throws FORBIDDEN for a cookie-authenticated state change that comes from another site's page. */
export function refuseCrossSiteWrite(method: string, headers: Headers): void {
  if (SAFE_METHODS.has(method.toUpperCase())) return;
  if (/^bearer\s+/i.test(headers.get("authorization") ?? "")) return;
  const origin = headers.get("origin");
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (origin && origin !== "null") {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost !== null && host && originHost.toLowerCase() === host.toLowerCase()) return;
    throw new AppError("FORBIDDEN", `cross-site request refused: a page on ${origin} may not change anything here with your session (use an API token from a script)`);
  }
  if (origin === "null" || headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("FORBIDDEN", "cross-site request refused: a page of another site may not change anything here with your session");
  }
}
