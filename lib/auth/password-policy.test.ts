import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy";

describe("passwordProblem", () => {
  it.each(["12345678", "password1", "Password123!", "qwertyuiop", "iloveyou123", "monkey1234"])("refuses %s, a password crackers try first", (password) => {
    expect(passwordProblem(password)).toMatch(/^is too easy to guess: /);
  });

  it("says why", () => {
    expect(passwordProblem("12345678")).toContain("one of the ten most common passwords");
    expect(passwordProblem("short")).toBe("must have at least 8 characters");
    expect(passwordProblem("x".repeat(201))).toBe("must have at most 200 characters");
  });

  it("accepts phrases of unrelated words", () => {
    expect(passwordProblem("correct horse battery")).toBeNull();
    expect(passwordProblem("organizer password 1")).toBeNull();
  });

  it("refuses a password built on the account's own e-mail", () => {
    expect(passwordProblem("lindqvist2026!", ["marvin.lindqvist"])).toBe("is too easy to guess: it contains your e-mail address or name; a few unrelated words make a strong password");
    expect(passwordProblem("lindqvist2026!")).toBeNull();
  });
});
