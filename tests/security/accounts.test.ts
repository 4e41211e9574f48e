import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { competitionCreateSchema } from "../../lib/competitions/competition-settings";
import { createCompetition } from "../../lib/competitions/manage-competitions";
import { type Database } from "../../lib/db/open-database";
import { createUser } from "../../lib/users/create-user";
import { HttpSession } from "../helpers/http-session";
import type { RunningServer } from "../helpers/next-server";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";

// Attacks on accounts (THREATS.md, "anyone on the internet"): a stolen session cookie replayed after sign-out, a
// token that mints a stronger token or outlives its revocation, a cross-site page riding the session cookie,
// sign-up and sign-in telling which e-mail addresses have accounts, and passwords a cracker tries first.

const PASSWORD = "accounts password 1";

describe("accounts under attack", () => {
  let server: RunningServer;
  let database: Database;
  let world: ServerWorld;
  let userId = "";

  beforeAll(async () => {
    world = await startServerWorld("accounts");
    ({ server, database } = world);
    userId = (await createUser(database.prisma, { email: "owner@accounts.test", password: PASSWORD })).id;
    await createCompetition(database.prisma, { userId, isAdmin: false }, competitionCreateSchema.parse({ slug: "acc", title: "Accounts" }));
  });
  afterAll(async () => {
    await world?.dispose();
  });

  const bearer = (token: string, method: string, path: string, body?: unknown) =>
    fetch(new URL(path, server.url), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("ends a session at sign-out: the old cookie, replayed, opens nothing", async () => {
    const session = new HttpSession(server.url);
    await session.signIn("owner@accounts.test", PASSWORD);
    const stolen = session.cookieHeader();
    expect((await session.fetch("/api/v1/me")).status).toBe(200);
    const signedOut = await session.action("/", "signOutAction", {});
    expect(signedOut.status).toBe(303);
    const replay = await fetch(new URL("/api/v1/me", server.url), { headers: { cookie: stolen } });
    expect(replay.status).toBe(401);
    // Another session of the same user is not affected.
    const other = new HttpSession(server.url);
    await other.signIn("owner@accounts.test", PASSWORD);
    expect((await other.fetch("/api/v1/me")).status).toBe(200);
  });

  it("ends every other session at a password change, and keeps the one that changed it", async () => {
    const email = "changer@accounts.test";
    const first = "accounts password 2";
    const second = "a different phrase entirely 3";
    await createUser(database.prisma, { email, password: first });
    const changer = new HttpSession(server.url);
    await changer.signIn(email, first);
    const thief = new HttpSession(server.url);
    await thief.signIn(email, first);
    expect((await thief.fetch("/api/v1/me")).status).toBe(200);

    // A wrong current password, or a weak new one, changes nothing.
    const wrong = await changer.action("/account", "changePasswordAction", { currentPassword: "not it", newPassword: second, confirmPassword: second });
    expect(decodeURIComponent(wrong.headers.get("location") ?? "")).toContain("the current password is not right; nothing was changed");
    const weak = await changer.action("/account", "changePasswordAction", { currentPassword: first, newPassword: "password123", confirmPassword: "password123" });
    expect(decodeURIComponent(weak.headers.get("location") ?? "")).toMatch(/new password: /);
    expect((await thief.fetch("/api/v1/me")).status).toBe(200);

    const changed = await changer.action("/account", "changePasswordAction", { currentPassword: first, newPassword: second, confirmPassword: second });
    expect(changed.status).toBe(303);
    expect(changed.headers.get("location")).toMatch(/\/account\?password=changed$/);
    expect((await thief.fetch("/api/v1/me")).status).toBe(401);
    expect((await changer.fetch("/api/v1/me")).status).toBe(200);
    await expect(new HttpSession(server.url).signIn(email, first)).rejects.toThrow(/sign-in as changer@accounts.test failed/);
    await new HttpSession(server.url).signIn(email, second);
  });

  it("never lets a token mint a token with more scopes than it has", async () => {
    const submitOnly = await createApiToken(database.prisma, { userId, name: "ci job", scopes: ["read", "submit"] });
    const stronger = await bearer(submitOnly.token, "POST", "/api/v1/tokens", { name: "escalate", scopes: ["manage"] });
    expect(stronger.status).toBe(403);
    // Minting needs "manage" in the first place: a submit-only token mints nothing at all.
    const any = await bearer(submitOnly.token, "POST", "/api/v1/tokens", { name: "child" });
    expect(any.status).toBe(403);
    expect((await any.json()).error.message).toContain('needs the "manage" scope');
    // And it cannot change a competition either, though its user organizes one.
    expect((await bearer(submitOnly.token, "PATCH", "/api/v1/competitions/acc", { title: "hijacked" })).status).toBe(403);
    expect((await bearer(submitOnly.token, "GET", "/api/v1/me")).status).toBe(200);
  });

  it("revokes every token minted from a token together with it", async () => {
    const parent = await createApiToken(database.prisma, { userId, name: "parent" });
    const child = (await (await bearer(parent.token, "POST", "/api/v1/tokens", { name: "child", scopes: ["read", "manage"] })).json()) as { id: string; token: string; scopes: string[] };
    expect(child.scopes).toEqual(["read", "manage"]);
    const grandchild = (await (await bearer(child.token, "POST", "/api/v1/tokens", { name: "grandchild", scopes: ["read"] })).json()) as { token: string };
    expect((await bearer(grandchild.token, "GET", "/api/v1/me")).status).toBe(200);
    const owner = await createApiToken(database.prisma, { userId, name: "owner's other token" });
    expect((await bearer(owner.token, "DELETE", `/api/v1/tokens/${parent.id}`)).status).toBe(200);
    for (const token of [parent.token, child.token, grandchild.token]) expect((await bearer(token, "GET", "/api/v1/me")).status).toBe(401);
    expect((await bearer(owner.token, "GET", "/api/v1/me")).status).toBe(200);
  });

  it("refuses a cookie-authenticated write from another site's page (text/plain, no preflight)", async () => {
    const session = new HttpSession(server.url);
    await session.signIn("owner@accounts.test", PASSWORD);
    const forged = await session.fetch("/api/v1/tokens", { method: "POST", headers: { origin: "https://evil.example", "content-type": "text/plain" }, body: JSON.stringify({ name: "planted" }) });
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.message).toMatch(/cross-site request refused/);
    const tokens = (await (await session.fetch("/api/v1/tokens")).json()) as { tokens: { name: string }[] };
    expect(tokens.tokens.map((token) => token.name)).not.toContain("planted");
    // The site's own page may.
    const own = await session.fetch("/api/v1/tokens", { method: "POST", headers: { origin: server.url, "content-type": "application/json" }, body: JSON.stringify({ name: "mine" }) });
    expect(own.status).toBe(200);
  });

  it("answers sign-up for a taken address exactly as for a new one", async () => {
    const taken = await new HttpSession(server.url).action("/sign-up", "signUpAction", { email: "owner@accounts.test", password: "some other passphrase 7", next: "/" });
    const fresh = await new HttpSession(server.url).action("/sign-up", "signUpAction", { email: "newcomer@accounts.test", password: "some other passphrase 7", next: "/" });
    expect(taken.status).toBe(303);
    expect(taken.headers.get("location")).toBe(fresh.headers.get("location"));
    expect(taken.headers.get("location")).not.toMatch(/exists|error/);
    // The taken account keeps its password.
    const owner = new HttpSession(server.url);
    await owner.signIn("owner@accounts.test", PASSWORD);
  });

  it("refuses at sign-up the passwords a cracker tries first, saying why", async () => {
    for (const password of ["12345678", "Password123!", "qwertyuiop"]) {
      const response = await new HttpSession(server.url).action("/sign-up", "signUpAction", { email: `weak-${password.length}@accounts.test`, password, next: "/" });
      expect(decodeURIComponent(response.headers.get("location") ?? "")).toMatch(/error=password is too easy to guess: it is/);
    }
    expect(await database.prisma.user.count({ where: { email: { startsWith: "weak-" } } })).toBe(0);
  });

  it("locks one address out of an account after 10 failed sign-ins, even with the right password, and no one else", async () => {
    await createUser(database.prisma, { email: "target@accounts.test", password: PASSWORD });
    const open = new HttpSession(server.url);
    await open.signIn("target@accounts.test", PASSWORD);
    const attempt = async (password: string, address: string) => {
      const session = new HttpSession(server.url);
      const csrf = (await (await session.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
      const response = await session.fetch("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
        body: new URLSearchParams({ csrfToken: csrf.csrfToken, email: "target@accounts.test", password, callbackUrl: server.url }),
      });
      return { location: response.headers.get("location") ?? "", signedIn: session.cookieHeader().includes("session-token") };
    };
    for (let i = 0; i < 10; i++) expect((await attempt(`guess number ${i}`, "203.0.113.7")).signedIn).toBe(false);
    const locked = await attempt(PASSWORD, "203.0.113.7");
    expect(locked.signedIn).toBe(false);
    const retry = Number(/code=locked-(\d+)/.exec(locked.location)?.[1]);
    expect(retry).toBeGreaterThan(60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    // The owner elsewhere signs in; the session already open keeps working.
    expect((await attempt(PASSWORD, "198.51.100.20")).signedIn).toBe(true);
    expect((await open.fetch("/api/v1/me")).status).toBe(200);
    // The page says when to retry.
    const page = await (await fetch(new URL(`/sign-in?error=locked&retry=${retry}`, server.url))).text();
    expect(page).toContain("Too many failed sign-ins on this account from your address");
  });

});
