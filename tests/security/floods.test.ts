import { afterAll, describe, expect, it } from "vitest";
import { startModelUpload } from "../../lib/submissions/submit-model";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// Floods a participant can start: on today's main 20 model uploads of a declared 1 GB each started at once, each a
// multipart upload reserving storage, and nothing limited them.

describe("floods", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("limits the model uploads one team starts in an hour, saying when to retry", async () => {
    const { database, store } = await databaseAndStore("pglite", disposers);
    await createContest(database.prisma, store, { slug: "flood", queries: 4, settings: { submissionKinds: "results,model" } });
    const user = await createUser(database.prisma, { email: "flooder@flood.test", password: "flood password 1" });
    await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "flood", "Flooders");
    const actor = { userId: user.id, isAdmin: false };
    const started = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => startModelUpload(database, store, actor, "flood", { fileName: `m${i}.onnx`, size: 1_000_000_000, channel: "API" })),
    );
    const refused = started.filter((outcome) => outcome.status === "rejected").map((outcome) => (outcome as PromiseRejectedResult).reason as Error);
    expect(started.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(20);
    expect(refused).toHaveLength(5);
    for (const error of refused) expect(error.message).toMatch(/too many model uploads started by your team: at most 20 per hour; try again in \d+ (minutes|seconds)/);
    expect(await database.prisma.submission.count({ where: { kind: "MODEL" } })).toBe(20);
  });
});
