import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A cookie jar for one browser-like client talking to the test server. */
export class HttpSession {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  private remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1));
    }
  }

  /** The Cookie header this client sends (to replay it from elsewhere, as a thief would). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: "manual" });
    this.remember(response);
    return response;
  }

  /** Signs in through Auth.js's credentials endpoint, as the sign-in form does. */
  async signIn(email: string, password: string): Promise<void> {
    const csrf = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, email, password, callbackUrl: this.baseUrl }),
    });
    if (![...this.cookies.keys()].some((name) => name.includes("session-token"))) throw new Error(`sign-in as ${email} failed: ${response.status}`);
  }

  /** Submits a server action the way a form without JavaScript does (multipart with $ACTION_ID_…). */
  async action(pagePath: string, actionName: string, fields: Record<string, string>): Promise<Response> {
    const body = new FormData();
    body.set(`$ACTION_ID_${serverActionId(actionName)}`, "");
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    return this.fetch(pagePath, { method: "POST", body });
  }
}

let manifest: Record<string, { exportedName: string; filename: string }> | null = null;

/** The id Next.js gave a server action in the production build. */
export function serverActionId(exportedName: string): string {
  manifest ??= (JSON.parse(readFileSync(join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as { node: Record<string, { exportedName: string; filename: string }> }).node;
  const found = Object.entries(manifest).find(([, action]) => action.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in the build`);
  return found[0];
}
