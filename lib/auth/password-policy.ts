import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

// New passwords are judged by how fast a cracker would guess them (zxcvbn: dictionaries of common passwords,
// names and words, keyboard patterns, dates, repeats), not by character classes: "12345678" and "Password123!" are
// refused, a long phrase of ordinary words is not. Score 3 means about 10^8 guesses or more ("safely unguessable"
// against online attacks, and slow offline behind scrypt).

export const MIN_PASSWORD_SCORE = 3;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 200;

let checker: ZxcvbnFactory | null = null;
const zxcvbn = () => (checker ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

// zxcvbn-ts reports warnings as keys (its translations are a separate package); these are ours.
const WARNINGS: Record<string, string> = {
  straightRow: "it is a straight row of keys",
  keyPattern: "it is a short keyboard pattern",
  simpleRepeat: "it repeats one character",
  extendedRepeat: "it repeats a short pattern",
  sequences: "it is a common sequence such as abc or 1234",
  recentYears: "it contains a recent year",
  dates: "it contains a date",
  topTen: "it is one of the ten most common passwords",
  topHundred: "it is one of the hundred most common passwords",
  common: "it is a very common password",
  similarToCommon: "it is a small change to a very common password",
  wordByItself: "a single word is easy to guess",
  namesByThemselves: "names on their own are easy to guess",
  commonNames: "it is built on common names",
  userInputs: "it contains your e-mail address or name",
  pwned: "it appears in leaked password lists",
};

/** Why a new password is refused, or null when it is strong enough. `context`: the e-mail and name it must not echo. */
export function passwordProblem(password: string, context: string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must have at most ${MAX_PASSWORD_LENGTH} characters`;
  const inputs = context.flatMap((value) => [value, ...value.split(/[@.\s_+-]+/)]).filter((value) => value.length >= 3);
  const result = zxcvbn().check(password, inputs);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = (result.feedback.warning && WARNINGS[result.feedback.warning]) ?? "it would be guessed quickly";
  return `is too easy to guess: ${why}; a few unrelated words make a strong password`;
}
