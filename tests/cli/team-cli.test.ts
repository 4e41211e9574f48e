import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { type Database } from "../../lib/db/open-database";
import { newInviteCode } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import type { RunningServer } from "../helpers/next-server";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";
import { runPodium } from "../helpers/run-cli";

// A team's life from the CLI against a running server: podium team create / join / show / token, and podium
// submit telling what is left before it uploads anything.
describe("podium team and the quota before submit", () => {
  let server: RunningServer;
  let database: Database;
  let work: string;
  let world: ServerWorld;
  let contest: Awaited<ReturnType<typeof createContest>>;
  const slug = "cli-teams";
  const env: Record<"captain" | "member", Record<string, string>> = { captain: {}, member: {} };
  let inviteCode = "";

  beforeAll(async () => {
    world = await startServerWorld("team-cli");
    ({ server, database, work } = world);
    const store = world.store;
    contest = await createContest(database.prisma, store, { slug, settings: { legacyEndpoint: "token", dailyLimit: "2", totalLimit: "10", submissionKinds: "results,model" } });
    for (const name of ["captain", "member"] as const) {
      const user = await createUser(database.prisma, { email: `${name}@cli-teams.test`, password: `${name} password 1` });
      const token = (await createApiToken(database.prisma, { userId: user.id, name: "cli" })).token;
      env[name] = { PODIUM_CONFIG_DIR: join(work, `config-${name}`) };
      expect(runPodium(["login", "--server", server.url, "--token", token], env[name]).status).toBe(0);
    }
    writeFileSync(join(work, "results.json"), JSON.stringify(resultsFor(contest.queries, contest.gallery, [1, 3])));
    writeFileSync(join(work, "model.onnx"), Buffer.alloc(4 * 1024 * 1024, 7));
  });
  afterAll(async () => {
    await world?.dispose();
  });

  it("creates a team, joins it with the invite code and shows members, invite code and entries left", () => {
    const created = runPodium(["team", "create", "--competition", slug, "Night Owls"], env.captain);
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    inviteCode = /podium team join --competition cli-teams (\S+)/.exec(created.stdout)![1]!;
    const lookAlike = runPodium(["team", "create", "--competition", slug, "Night \u041Ewls"], env.member);
    expect(lookAlike.status).toBe(5);
    expect(lookAlike.stderr).toMatch(/the team name "Night Owls" is taken/);
    const joined = runPodium(["team", "join", "--competition", slug, inviteCode], env.member);
    expect(joined.stdout).toMatch(/joined team "Night Owls"/);

    const shown = runPodium(["team", "show", "--competition", slug], env.member);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain("team Night Owls");
    expect(shown.stdout).toContain("members: captain@cli-teams.test (captain), member@cli-teams.test");
    expect(shown.stdout).toContain(`invite code: ${inviteCode}`);
    expect(shown.stdout).toContain("entries: 2 of 2 entries left today; 10 of 10 left in total");
    const json = JSON.parse(runPodium(["team", "show", "--competition", slug, "--json"], env.captain).stdout);
    expect(json.quota).toMatchObject({ dailyLimit: 2, usedToday: 0, leftToday: 2, totalLimit: 10, leftTotal: 10 });
  });

  it("creates, lists and revokes team tokens", () => {
    const created = runPodium(["team", "token", "create", "--competition", slug, "--name", "colab"], env.captain);
    expect(created.status).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^pod_/);
    expect(created.stderr).toMatch(/shown only now/);
    expect(created.stderr).toContain(`/c/${slug}/retrieval/?token=${token}`);
    const listed = runPodium(["team", "token", "list", "--competition", slug], env.member);
    expect(listed.stdout).toMatch(/team Night Owls: 1 token\(s\)/);
    expect(listed.stdout).toContain(`${token.slice(0, 10)}…  colab  by captain@cli-teams.test`);
    expect(listed.stdout).not.toContain(token);
    const id = JSON.parse(runPodium(["team", "token", "list", "--competition", slug, "--json"], env.member).stdout).tokens[0].id as string;
    expect(runPodium(["team", "token", "revoke", "--competition", slug, id], env.member).stdout).toMatch(`revoked team token ${id}`);
    const again = runPodium(["team", "token", "revoke", "--competition", slug, id], env.captain);
    expect(again.status).toBe(4);
    expect(runPodium(["team", "token", "list", "--competition", slug], env.captain).stdout).toMatch(/revoked /);
  });

  it("prints the entries left before submitting, and refuses before uploading anything when none is left", async () => {
    const first = runPodium(["submit", "--competition", slug, join(work, "results.json")], env.member);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^2 of 2 entries left today; 10 of 10 left in total/);
    const second = runPodium(["submit", "--competition", slug, join(work, "results.json")], env.captain);
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/^1 of 2 entries left today/);

    const submissionsBefore = await database.prisma.submission.count();
    for (const file of ["results.json", "model.onnx"]) {
      const refused = runPodium(["submit", "--competition", slug, join(work, file)], env.member);
      expect(refused.status).toBe(6);
      expect(refused.stderr).toMatch(/^podium: no entries left: 0 of 2 entries left today; 8 of 10 left in total \(the daily count starts again .+\); nothing was uploaded/);
      expect(refused.stderr).not.toMatch(/uploading|%/);
    }
    expect(await database.prisma.submission.count()).toBe(submissionsBefore);
  });

  it("makes invite codes a command line takes as they are, and still joins with an older code that starts with a dash", async () => {
    const codes = Array.from({ length: 2000 }, newInviteCode);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{15}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Codes were base64url until now: one in 64 began with "-", which the CLI read as a flag (CI saw it fail).
    await database.prisma.team.updateMany({ where: { competition: { slug } }, data: { inviteCode: "-older_Code-42" } });
    const user = await createUser(database.prisma, { email: "late@cli-teams.test", password: "late password 1" });
    const late = { PODIUM_CONFIG_DIR: join(work, "config-late") };
    expect(runPodium(["login", "--server", server.url, "--token", (await createApiToken(database.prisma, { userId: user.id, name: "cli" })).token], late).status).toBe(0);
    const joined = runPodium(["team", "join", "--competition", slug, "--", "-older_Code-42"], late);
    expect(joined.stderr).toBe("");
    expect(joined.stdout).toMatch(/joined team "Night Owls"/);
  });
});
