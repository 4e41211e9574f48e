import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { seededRandom } from "../../lib/demo/seeded-random";
import { buildScoringIndex, parseWeights, scoreSubmission } from "../../lib/scoring";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { HttpSession } from "../helpers/http-session";
import { colourDataset, expectedScore, meanColourEncoder, meanColourManifest } from "../helpers/onnx-encoders";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";

// The Python client teams use (clients/python/podium_client.py, standard library only), run with Debian's python3:
// its metric is a second implementation of lib/scoring and must agree with it on every file of a generated corpus —
// scores to the last bit, refusals by the same codes and counts — and its commands must work against a server.

const CLIENT = join(process.cwd(), "clients", "python", "podium_client.py");
const python = (args: string[], env: Record<string, string> = {}, input?: string) => spawnSync("python3", args, { encoding: "utf8", env: { ...process.env, ...env }, input, timeout: 120_000 });

interface Case {
  name: string;
  bytes: string;
  weights: string;
  allowPartial: boolean;
  galleryKnown: boolean;
}

function corpus(): { truth: Record<string, string[]>; gallery: string[]; cases: Case[] } {
  // The project's seeded draws (lib/demo/seeded-random): the corpus is the same in every run.
  const draws = seededRandom("python-client-conformance");
  const random = draws.next;
  const gallery = Array.from({ length: 60 }, (_, i) => `g${i}.jpg`);
  const queries = Array.from({ length: 25 }, (_, i) => `q${i}.jpg`);
  const truth: Record<string, string[]> = {};
  queries.forEach((query, i) => {
    // Most queries one match, some two, two none (accepted, not evaluated).
    truth[query] = i < 2 ? [] : i % 5 === 0 ? [`g${i}.jpg`, `g${i + 30}.jpg`] : [`g${i}.jpg`];
  });
  const shuffled = () => draws.shuffle(gallery);
  const ranked = (query: string, length = 10) => {
    const list = shuffled().slice(0, length);
    const match = truth[query]![0];
    if (match && random() < 0.7) {
      const at = Math.floor(random() * Math.min(length + 3, 14));
      const without = list.filter((name) => name !== match);
      if (at < length) without.splice(at, 0, match);
      return without.slice(0, length);
    }
    return list;
  };
  const cases: Case[] = [];
  const add = (name: string, data: unknown, options: Partial<Case> = {}) =>
    cases.push({ name, bytes: typeof data === "string" ? data : JSON.stringify(data), weights: "1:600,5:300,10:100", allowPartial: false, galleryKnown: true, ...options });
  for (let i = 0; i < 40; i++) {
    const map = Object.fromEntries(queries.map((query) => [query, ranked(query, 1 + Math.floor(random() * 10))]));
    const form = i % 3;
    const data = form === 0 ? map : form === 1 ? { groupname: `team ${i}`, images: map } : Object.entries(map).map(([query, list]) => ({ filename: `test/query/${query}`, gallery_images: list.map((name) => `test/gallery/${name}`) }));
    add(`valid ${i} (${["plain map", "legacy body", "filename list"][form]})`, data, { weights: i % 4 === 3 ? "1:5,3:2.5,20:1" : "1:600,5:300,10:100", galleryKnown: i % 2 === 0 });
  }
  const full = Object.fromEntries(queries.map((query) => [query, ranked(query)]));
  const partial = Object.fromEntries(queries.slice(0, 15).map((query) => [query, ranked(query)]));
  add("partial, allowed", partial, { allowPartial: true });
  add("partial, refused", partial);
  add("empty file", "");
  add("whitespace", "  \n ");
  add("not JSON", "{\"q0.jpg\": [");
  add("NaN", '{"q2.jpg": NaN}');
  add("a number", 5);
  add("null", "null");
  add("with a BOM", `\ufeff${JSON.stringify(full)}`);
  add("empty object", {});
  add("empty list", []);
  add("lists that are not lists", { ...full, "q3.jpg": "g3.jpg", "q4.jpg": { a: 1 } });
  add("bad items of the list form", [{ filename: "q0.jpg" }, 7, { filename: "q1.jpg", gallery_images: ["g1.jpg"] }]);
  add("legacy body with a numeric groupname", { groupname: 5, images: full });
  add("unknown queries", { ...full, "nope.jpg": ["g1.jpg"], "other.jpg": [] });
  add("a query twice (list form)", [{ filename: "q5.jpg", gallery_images: ["g5.jpg"] }, ...Object.entries(full).map(([filename, gallery_images]) => ({ filename, gallery_images }))]);
  add("non-strings in lists", { ...full, "q6.jpg": ["g6.jpg", 3, null, { x: 1 }] });
  add("unknown gallery names", { ...full, "q7.jpg": ["nope.jpg", "g7.jpg"], "q8.jpg": ["also-not.png"] });
  add("unknown gallery names, gallery unknown", { ...full, "q7.jpg": ["nope.jpg", "g7.jpg"], "q8.jpg": ["also-not.png"] }, { galleryKnown: false });
  add("duplicates in a list", { ...full, "q9.jpg": ["g1.jpg", "g9.jpg", "g1.jpg", "g9.jpg"] });
  add("eleven entries", { ...full, "q10.jpg": [...gallery.slice(20, 30), "g10.jpg"] });
  add("twenty entries under k=20", { ...full, "q10.jpg": [...gallery.slice(40, 59), "g10.jpg"] }, { weights: "1:1,20:1" });
  add("everything wrong at once", { ...full, "nope.jpg": [], "q11.jpg": ["g11.jpg", "g11.jpg", 1, "zzz.jpg", ...gallery.slice(0, 12)] });
  return { truth, gallery, cases };
}

describe("podium_client.py", () => {
  it("scores every file of a generated corpus exactly as lib/scoring does, and refuses the same ones for the same reasons", () => {
    const { truth, gallery, cases } = corpus();
    const work = mkdtempSync(join(tmpdir(), "podium-python-conformance-"));
    try {
      writeFileSync(join(work, "cases.json"), JSON.stringify({ truth, gallery, cases }));
      const driver = `
import json, sys
sys.path.insert(0, ${JSON.stringify(join(process.cwd(), "clients", "python"))})
import podium_client as podium
data = json.load(open(${JSON.stringify(join(work, "cases.json"))}, encoding="utf-8"))
out = []
for case in data["cases"]:
    try:
        r = podium.score(case["bytes"].encode("utf-8"), data["truth"], data["gallery"] if case["galleryKnown"] else None, case["weights"], case["allowPartial"])
        out.append({"ok": True, **r})
    except podium.InvalidResults as invalid:
        out.append({"ok": False, "errors": sorted([e["code"], e["count"]] for e in invalid.errors)})
print(json.dumps(out))
`;
      const run = python(["-c", driver]);
      expect(run.status, run.stderr).toBe(0);
      const fromPython = JSON.parse(run.stdout) as ({ ok: true; score: number; hit: Record<string, number>; evaluated: number; missing: number } | { ok: false; errors: [string, number][] })[];
      let scored = 0;
      let refused = 0;
      cases.forEach((entry, i) => {
        const built = buildScoringIndex({ queries: Object.keys(truth), gallery: entry.galleryKnown ? gallery : null, truth: new Map(Object.entries(truth)) });
        if (!built.ok) throw new Error(built.error.join("; "));
        const index = built.value;
        const weights = parseWeights(entry.weights);
        if (!weights.ok) throw new Error(weights.error);
        const server = scoreSubmission(new TextEncoder().encode(entry.bytes), index, { weights: weights.value, allowPartial: entry.allowPartial });
        const client = fromPython[i]!;
        if (server.ok) {
          scored++;
          expect(client, entry.name).toMatchObject({ ok: true });
          const all = server.value.splits.all;
          // To the last bit: the same sum in the same order, divided once.
          expect(client.ok && client.score, entry.name).toBe(all.score);
          expect(client.ok && client.hit, entry.name).toEqual(all.hit);
          expect(client.ok && [client.evaluated, client.missing], entry.name).toEqual([all.evaluated, all.missing]);
        } else {
          refused++;
          expect(client, entry.name).toEqual({ ok: false, errors: server.error.map((error) => [error.code, error.count]).sort() });
        }
      });
      expect(scored).toBeGreaterThanOrEqual(41);
      expect(refused).toBeGreaterThanOrEqual(18);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  describe("against a running server", () => {
    let world: ServerWorld;
    let env: Record<string, string> = {};
    let work = "";

    beforeAll(async () => {
      world = await startServerWorld("python-client");
      work = world.work;
      const { entries } = await colourDataset({ ranks: [1, 2, 6] });
      await createContest(world.database.prisma, world.store, { slug: "py", entries, settings: { submissionKinds: "results,model", dailyLimit: 5, publicFraction: 1 } });
      const user = await createUser(world.database.prisma, { email: "notebook@py.test", password: "python password 1" });
      await createTeam(world.database.prisma, { userId: user.id, isAdmin: false }, "py", "Notebooks");
      env = { PODIUM_SERVER: world.server.url, PODIUM_TOKEN: (await createApiToken(world.database.prisma, { userId: user.id, name: "notebook" })).token };
    });
    afterAll(async () => {
      await world?.dispose();
    });

    it("shows entries left, submits a results file and a model, follows them, and prints the board", async () => {
      expect(python([CLIENT, "entries-left", "--competition", "py"], env).stdout.trim()).toBe("5 of 5 entries left today");

      // The colour dataset's names (q0.png …, g00.png …): any ten gallery files for each query.
      const galleryNames = Array.from({ length: 30 }, (_, g) => `g${String(g).padStart(2, "0")}.png`);
      const results = Object.fromEntries([0, 1, 2].map((i) => [`q${i}.png`, galleryNames.slice(0, 10)]));
      writeFileSync(join(work, "results.json"), JSON.stringify(results));
      const submitted = python([CLIENT, "submit", "--competition", "py", join(work, "results.json")], env);
      expect(submitted.status, submitted.stderr + submitted.stdout).toBe(0);
      expect(submitted.stdout).toMatch(/^submission \S+: scored\n {2}public {2}\d+\.\d\d$/m);

      writeFileSync(join(work, "mean.onnx"), meanColourEncoder());
      writeFileSync(join(work, "manifest.json"), JSON.stringify(meanColourManifest));
      const model = python([CLIENT, "submit", "--competition", "py", "--manifest", join(work, "manifest.json"), "--wait", join(work, "mean.onnx")], env);
      expect(model.status, model.stderr + model.stdout).toBe(0);
      const modelId = /submission (\S+): scored/.exec(model.stdout)?.[1];
      expect(modelId, model.stdout).toBeTruthy();
      expect(Number(/public\s+([\d.]+)/.exec(model.stdout)![1])).toBeCloseTo(expectedScore([1, 2, 6]), 2);

      const status = python([CLIENT, "status", "--competition", "py", modelId!], env);
      expect(status.stdout).toContain(`submission ${modelId}: scored`);
      expect(python([CLIENT, "entries-left", "--competition", "py"], env).stdout.trim()).toBe("3 of 5 entries left today");
      const board = python([CLIENT, "leaderboard", "--competition", "py"], env);
      expect(board.stdout).toMatch(/^ {3}1 {2}Notebooks +\d+\.\d\d {2}2$/m);

      // A refused file: exit 1, the server's reason, nothing counted.
      writeFileSync(join(work, "bad.json"), JSON.stringify({ "nope.png": ["g00.png"] }));
      const bad = python([CLIENT, "submit", "--competition", "py", join(work, "bad.json")], env);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^podium: 1 query is not in the test set/);
      expect(python([CLIENT, "entries-left", "--competition", "py"], env).stdout.trim()).toBe("3 of 5 entries left today");
      // The competition page says the same where the team submits.
      const browser = new HttpSession(world.server.url);
      await browser.signIn("notebook@py.test", "python password 1");
      expect((await (await browser.fetch("/c/py/entries")).text()).replace(/<!-- -->/g, "")).toMatch(/data-testid="entries-left"[^>]*>3 of 5 entries left today</);
    });

    it("names and describes entries with --name and --description, says why a bad one is refused, and renames from a notebook", async () => {
      const galleryNames = Array.from({ length: 30 }, (_, g) => `g${String(g).padStart(2, "0")}.png`);
      writeFileSync(join(work, "named.json"), JSON.stringify(Object.fromEntries([0, 1, 2].map((i) => [`q${i}.png`, galleryNames.slice(0, 10)]))));
      const named = python([CLIENT, "submit", "--competition", "py", "--name", "Colour histogram ✓", "--description", "Method: mean colour.\nhttps://example.org/method", join(work, "named.json")], env);
      expect(named.status, named.stderr + named.stdout).toBe(0);
      expect(named.stdout).toMatch(/^submission \S+: scored\n {2}name {4}Colour histogram ✓\n {2}public {2}\d+\.\d\d$/m);
      const id = /submission (\S+): scored/.exec(named.stdout)![1]!;
      expect(await world.database.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "Colour histogram ✓", description: "Method: mean colour.\nhttps://example.org/method", channel: "API" });

      // Refused by the server before anything is stored: the reason names the field.
      const before = await world.database.prisma.submission.count();
      const bad = python([CLIENT, "submit", "--competition", "py", "--name", "two\nlines", join(work, "named.json")], env);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^podium: name: cannot contain control characters .*\(HTTP 400, BAD_REQUEST\)$/m);
      const long = python([CLIENT, "submit", "--competition", "py", "--description", "d".repeat(2001), join(work, "mean.onnx")], env);
      expect(long.status).toBe(2);
      expect(long.stderr).toMatch(/^podium: description: is at most 2,000 characters/m);
      expect(await world.database.prisma.submission.count()).toBe(before);

      // A model is named at its upload's start.
      const model = python([CLIENT, "submit", "--competition", "py", "--manifest", join(work, "manifest.json"), "--name", "Mean colour encoder", join(work, "mean.onnx")], env);
      expect(model.status, model.stderr + model.stdout).toBe(0);
      const modelId = /submission (\S+): /.exec(model.stdout)![1]!;
      expect(model.stdout).toContain("  name    Mean colour encoder");
      expect(await world.database.prisma.submission.findUniqueOrThrow({ where: { id: modelId } })).toMatchObject({ name: "Mean colour encoder", description: null, kind: "MODEL" });

      const driver = `
import sys
sys.path.insert(0, ${JSON.stringify(join(process.cwd(), "clients", "python"))})
import podium_client as podium
entry = podium.Client().rename("py", ${JSON.stringify(id)}, name="Renamed", description="")
print(entry["name"], entry["description"])
`;
      const renamed = python(["-c", driver], env);
      expect(renamed.stderr).toBe("");
      expect(renamed.stdout.trim()).toBe("Renamed None");
    });

    it("refuses to run without a server and token, naming both ways to give them", () => {
      const run = python([CLIENT, "entries-left", "--competition", "py"], { PODIUM_SERVER: "", PODIUM_TOKEN: "" });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("give the server and an API token (--server/--token, or PODIUM_SERVER/PODIUM_TOKEN)");
    });
  });
});
