import yauzl from "yauzl";
import { afterAll, describe, expect, it } from "vitest";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { makeImage } from "../helpers/archives";
import { createContest } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// Organizers name files as they like: spaces, accents, other scripts. Today's main refused such a dataset with an
// opaque platform error (the storage key check) and left the version VALIDATING for ever.

function zipNames(bytes: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on("end", () => resolve(names));
      zip.readEntry();
    }),
  );
}

describe("dataset file names", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("accepts names with spaces, accents and other scripts, bundles and scores them under those names", async () => {
    const { database, store } = await databaseAndStore("pglite", disposers);
    const queries = ["photo 1.jpg", "Zoë (2).jpg", "写真.jpg"];
    const gallery = ["portrait 1.jpg", "Zoë (2) – sketch.jpg", "肖像.jpg", "distractor 1.jpg"];
    const entries = [
      ...(await Promise.all(queries.map(async (name, i) => ({ name: `query/${name}`, data: await makeImage(i + 1) })))),
      ...(await Promise.all(gallery.map(async (name, i) => ({ name: `gallery/${name}`, data: await makeImage(i + 11) })))),
      { name: "ground_truth.json", data: JSON.stringify(Object.fromEntries(queries.map((query, i) => [query, [gallery[i]!]]))) },
    ];
    const { competition } = await createContest(database.prisma, store, { slug: "names", queries: 3, entries, settings: { publicFraction: 1 } });
    const version = await database.prisma.datasetVersion.findFirstOrThrow({ where: { competitionId: competition.id } });
    expect(version.status).toBe("READY");
    expect(await zipNames(await store.get(version.bundleKey!))).toEqual(expect.arrayContaining([...queries.map((name) => `query/${name}`), ...gallery.map((name) => `gallery/${name}`)]));

    const user = await createUser(database.prisma, { email: "team@names.test", password: "names password 1" });
    const team = await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "names", "Names");
    const perfect = Object.fromEntries(queries.map((query, i) => [query, [gallery[i]!, ...gallery.filter((_, j) => j !== i)]]));
    const outcome = await submitResults(database, store, { competitionId: competition.id, teamId: team.id, userId: user.id, channel: "API", bytes: new TextEncoder().encode(JSON.stringify(perfect)), fileName: null });
    expect(outcome.kind).toBe("scored");
    if (outcome.kind === "scored") expect(outcome.splits.public.score).toBe(1000);
  });
});
