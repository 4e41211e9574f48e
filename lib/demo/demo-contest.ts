import type { BaselineName } from "./baseline-encoders";

// Who and what the demo contest is made of (seed-demo.ts creates it): one organizer, four teams whose entries span
// the random floor to the strongest baseline, and the competition's settings with its description and rules.

export const DEMO_SLUG = "demo";

/** Every demo account's password (the demo runs on your machine; change it before exposing the server). */
export const DEMO_PASSWORD = "podium-demo";

export const DEMO_ORGANIZER = { email: "organizer@demo.podium", name: "Demo organizer" } as const;

/**
 * A demo entry: a baseline submitted as a model (scored by the worker), a baseline's results file computed at seed
 * time (scored in the request), or the seeded random floor.
 */
export type DemoEntryPlan = { kind: "model"; baseline: BaselineName } | { kind: "results"; baseline: BaselineName } | { kind: "random" };

export interface DemoTeamPlan {
  email: string;
  name: string;
  team: string;
  entries: DemoEntryPlan[];
}

/** Strongest first, as the leaderboard should end up. */
export const DEMO_TEAMS: readonly DemoTeamPlan[] = [
  { email: "ada@demo.podium", name: "Ada", team: "Histogram Hunters", entries: [{ kind: "model", baseline: "colour-histogram-grid" }] },
  { email: "grace@demo.podium", name: "Grace", team: "Chroma Club", entries: [{ kind: "model", baseline: "chroma-grid" }] },
  // The same baseline as a results file and as a model: the two entries score the same.
  { email: "alan@demo.podium", name: "Alan", team: "Tiny Pixels", entries: [{ kind: "results", baseline: "tiny-pixels" }, { kind: "model", baseline: "tiny-pixels" }] },
  { email: "random@demo.podium", name: "Random", team: "Random Guess", entries: [{ kind: "random" }] },
];

/** The file name an entry is submitted under (also how a later run recognises it). */
export function demoEntryFileName(entry: DemoEntryPlan): string {
  switch (entry.kind) {
    case "model":
      return `${entry.baseline}.onnx`;
    case "results":
      return `${entry.baseline}-results.json`;
    case "random":
      return "random-results.json";
  }
}

const DESCRIPTION = `Podium's demo contest, generated on your machine from a fixed seed: every image, name and score is the
same on every run.

**The task.** Each query is a *photo* of a synthetic person. The gallery holds *portraits* — cartoons, pencil
sketches and paintings — of the same people, three each, mixed with portraits of people who never appear among the
queries. For every query, return the 10 gallery files most likely to show the same person, best first.

**The data.** Join or create a team on this page, then download the bundle: \`query/\`, \`gallery/\` and a labeled
\`training/<person>/\` split of other people (photos and portraits). The ground truth stays hidden.

**Submitting.**

- A results file \`{"q_0001.jpg": ["g_00042.jpg", …], …}\` — on this page, with \`podium submit --competition demo
  results.json\`, through the API, or with the original course client at \`/retrieval/\` (your team's name is the
  \`groupname\`).
- An ONNX image encoder with its manifest: Podium's worker embeds the queries and the gallery, ranks by cosine
  similarity and scores the top 10 — here on the CPU, in the server's own process.

**The teams already here** are the baselines: *Random Guess* (ten random gallery files per query), *Tiny Pixels*
(an 8×8 grey thumbnail of the face, submitted both as a results file and as the model that made it), *Chroma Club*
(the average colour of a 4×4 grid over the face, brightness removed) and *Histogram Hunters* (soft colour
histograms over the same grid). None was trained; each is a few standard ONNX operators. The ONNX files are in
\`.podium/demo/\` when the demo was started with \`npm run demo\`.`;

const RULES = `- **Score** of an entry: the mean over queries of \`600·hit@1 + 300·hit@5 + 100·hit@10\`, where hit@k is 1 when one
  of the first k files shows the query's person. A perfect entry scores 1000; guessing at random, about 9.
- **Public and private boards.** Half of the queries, chosen by a seeded split, make the public board shown here;
  the other half is scored privately and revealed by the organizers. Select up to 2 final entries for it (otherwise
  your best public ones count).
- **Quota**: 5 counted entries per team per day (UTC). Invalid files and entries that fail on our side never count.
- **Teams** of up to 3 people. Organizers do not compete.
- **Models**: one self-contained \`.onnx\` file of standard operators (opset 7–23), a float32 image input and an
  \`[N, D]\` embedding output. It is checked and dry-run on upload, before any quota is used.
- The contest has no end: submit as often as the quota allows.`;

/** The competition's settings, in the shape of competitionCreateSchema's input. */
export const DEMO_COMPETITION = {
  slug: DEMO_SLUG,
  title: "Photo ↔ portrait retrieval (demo)",
  description: DESCRIPTION,
  rules: RULES,
  timeZone: "UTC",
  startsAt: null,
  endsAt: null,
  submissionKinds: "results,model",
  dailyLimit: 5,
  totalLimit: null,
  teamSize: 3,
  publicFraction: 0.5,
  splitSeed: "podium-demo",
  finalSelectionLimit: 2,
  allowPartial: false,
  legacyEndpoint: "open",
  leaderboard: "public",
  registrationOpen: true,
  modelSizeLimit: "100MB",
} as const;
