import { describe, expect, it } from "vitest";
import { scopeNeededFor, scopesForNewToken } from "./token-scopes";

describe("scopeNeededFor", () => {
  it.each([
    ["GET", "/api/v1/competitions/c/leaderboard", "read"],
    ["POST", "/api/v1/competitions/c/submissions", "submit"],
    ["POST", "/api/v1/competitions/c/models/x/complete", "submit"],
    ["PATCH", "/api/v1/competitions/c/submissions/x", "submit"],
    ["POST", "/api/v1/competitions/c/teams/join", "submit"],
    ["POST", "/api/v1/tokens", "manage"],
    ["DELETE", "/api/v1/tokens/x", "manage"],
    ["POST", "/api/v1/competitions", "manage"],
    ["PATCH", "/api/v1/competitions/c", "manage"],
    ["POST", "/api/v1/competitions/c/reveal", "manage"],
    ["POST", "/api/v1/competitions/c/datasets/1/activate", "manage"],
    ["POST", "/api/v1/competitions/c/admin/teams/t/disqualify", "manage"],
    ["POST", "/api/v1/competitions/c/team/tokens", "manage"],
    ["POST", "/api/v1/competitions/c/rehearsal/accounts", "manage"],
  ])("%s %s needs %s", (method, path, scope) => {
    expect(scopeNeededFor(method, path)).toBe(scope);
  });
});

describe("scopesForNewToken", () => {
  it("gives a minted token its parent's scopes by default and never more", () => {
    expect(scopesForNewToken(undefined, ["read", "submit"])).toEqual(["read", "submit"]);
    expect(scopesForNewToken(["read"], ["read", "submit"])).toEqual(["read"]);
    expect(() => scopesForNewToken(["manage"], ["read", "submit"])).toThrow(/cannot mint a token with more than it has/);
    expect(scopesForNewToken(undefined, undefined)).toEqual(["read", "submit", "manage"]);
  });
});
