import { writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectSchedule, fillRealisticSettings, newTeam, organizer, revealPrivateBoard, shoot, signIn } from "./helpers";
import { splitQueries } from "../../lib/scoring/split-queries";
import { queryValue } from "../../lib/scoring/summarize-ranks";
import { DEFAULT_WEIGHTS } from "../../lib/scoring/weights";
import { formatTime } from "../../lib/time/format-time";
import { tarArchive } from "../helpers/archives";
import { colourDataset, externalDataEncoder, meanColourManifest, slowEncoder } from "../helpers/onnx-encoders";

// The whole journey in Chromium, with a screenshot of each page under test-results/screenshots/tour-*.png: the demo
// started by `npm run demo`'s code, an organizer creating a second competition and uploading a generated dataset, two
// teams registering, one submitting a results file and one a model whose progress bar advances, the public board
// updating live, the reveal of the private board, and a participant refused the hidden data. The contest is a
// realistic one: a schedule in Europe/Berlin, a frozen leaderboard (its freeze still ahead) and a 0.5 public split;
// the scores on the pages are checked against lib/scoring's own computation.

const ZONE = "Europe/Berlin";
const SEED = "tour";

/** Public and private scores of a top-10 file on the contest's split, with lib/scoring's split and query values. */
function splitScores(results: Record<string, string[]>, truth: Record<string, string[]>) {
  const queries = Object.keys(truth);
  const isPublic = splitQueries(queries, { seed: SEED, publicFraction: 0.5 });
  const values: Record<"public" | "private", number[]> = { public: [], private: [] };
  queries.forEach((query, i) => {
    const at = (results[query] ?? []).findIndex((name) => truth[query]!.includes(name));
    values[isPublic[i] === 1 ? "public" : "private"].push(queryValue(at + 1, DEFAULT_WEIGHTS));
  });
  const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;
  return { public: mean(values.public), private: mean(values.private) };
}

test("the tour: demo, a new contest, a results file and a model, live board, reveal, refusals", async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  // 1. The demo contest is there, its baselines scored by the server's worker.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/");
  await expect(visitor.getByRole("link", { name: /Photo ↔ portrait retrieval \(demo\)/ })).toBeVisible();
  await shoot(visitor, "tour-01-landing");
  await visitor.goto("/c/demo/leaderboard");
  const demoRows = visitor.getByTestId("leaderboard-public").getByTestId("leaderboard-row");
  await expect(demoRows).toHaveCount(4, { timeout: 120_000 });
  await expect(demoRows.first()).toContainText("Histogram Hunters");
  await shoot(visitor, "tour-02-demo-competition");

  // 2. The organizer creates a second competition for results files and models, and uploads a generated dataset.
  const RANKS = [1, 1, 2, 3, 1, 6, 1, 12, 2, 1];
  const { entries, truth } = await colourDataset({ ranks: RANKS, gallery: 200, seed: 5 });
  const archive = testInfo.outputPath("colours.tar.gz");
  writeFileSync(archive, await tarArchive(entries, true));
  const slug = `tour-${Date.now().toString(36)}`;
  const organizerPage = await (await browser.newContext()).newPage();
  await signIn(organizerPage, organizer.email, organizer.password);
  await organizerPage.goto("/competitions/new");
  await organizerPage.getByLabel("Title").fill("Colour tour");
  await organizerPage.getByLabel("Slug").fill(slug);
  await organizerPage.getByRole("button", { name: "Create competition" }).click();
  await organizerPage.getByRole("group", { name: "Submission kinds" }).getByLabel("Models").check();
  const schedule = await fillRealisticSettings(organizerPage, ZONE);
  await organizerPage.getByLabel("Split seed").fill(SEED);
  await organizerPage.getByRole("button", { name: "Save settings" }).click();
  await expect(organizerPage.getByText("Settings saved.")).toBeVisible();
  await expect(organizerPage.getByTestId("schedule-summary")).toContainText(`starts ${formatTime(schedule.startsAt, ZONE)}`);
  await expect(organizerPage.getByTestId("schedule-summary")).toContainText(`freezes ${formatTime(schedule.freezeAt, ZONE)}`);
  await organizerPage.getByTestId("dataset-file").setInputFiles(archive);
  await expect(organizerPage.getByTestId("upload-progress")).toBeVisible();
  await expect(organizerPage.getByText(/Version 1 is valid and ready to activate/)).toBeVisible({ timeout: 60_000 });
  await organizerPage.getByRole("button", { name: "Activate version 1" }).click();
  await expect(organizerPage.getByText("Dataset version 1 is active.")).toBeVisible();
  await shoot(organizerPage, "tour-03-organizer-dashboard");

  // A spectator keeps the public page open; it must update without a reload.
  const spectator = await (await browser.newContext()).newPage();
  await spectator.goto(`/c/${slug}/leaderboard`);
  await expectSchedule(spectator, schedule);
  const rows = spectator.getByTestId("leaderboard-public").getByTestId("leaderboard-row");

  // 3. Team one submits a results file: every query right at rank 1.
  const resultsTeam = await newTeam(browser, slug, "results-team@podium.test", "Exact Answers");
  const gallery = entries.filter((entry) => entry.name.startsWith("gallery/")).map((entry) => entry.name.slice("gallery/".length));
  const perfect = Object.fromEntries(Object.entries(truth).map(([query, [match]]) => [query, [match!, ...gallery.filter((name) => name !== match).slice(0, 9)]]));
  const resultsFile = testInfo.outputPath("perfect.json");
  writeFileSync(resultsFile, JSON.stringify(perfect));
  await resultsTeam.getByTestId("results-file").setInputFiles(resultsFile);
  await expect(resultsTeam.getByTestId("submit-outcome")).toContainText("Scored: 1000.00 on the public split.");
  await shoot(resultsTeam, "tour-04-results-team");
  await expect(rows).toHaveCount(1, { timeout: 15_000 });

  // 4. Team two submits a model; its progress bar advances on the submission page.
  const modelTeam = await newTeam(browser, slug, "model-team@podium.test", "Mean Colours");
  const model = testInfo.outputPath("mean-colour.onnx");
  writeFileSync(model, slowEncoder(3000));
  await modelTeam.getByTestId("model-manifest").fill(JSON.stringify({ ...meanColourManifest, batchSize: 1 }));
  await modelTeam.getByTestId("model-file").setInputFiles(model);
  await expect(modelTeam.getByTestId("model-outcome")).toContainText("Checked and queued", { timeout: 60_000 });
  await shoot(modelTeam, "tour-05-model-queued");
  await modelTeam.getByRole("link", { name: "Open the submission" }).click();
  const bar = modelTeam.getByTestId("model-job-progress");
  await expect(bar).toBeVisible({ timeout: 60_000 });
  // The largest value seen while the bar is on the page (it goes away when the entry is scored).
  const first = Number(await bar.getAttribute("aria-valuenow"));
  let highest = first;
  await expect
    .poll(
      async () => {
        const now = await bar.getAttribute("aria-valuenow", { timeout: 500 }).catch(() => null);
        if (now !== null) highest = Math.max(highest, Number(now));
        return highest;
      },
      { timeout: 60_000, intervals: [100] },
    )
    .toBeGreaterThan(first);
  await shoot(modelTeam, "tour-06-model-progress");
  await expect(modelTeam.getByText(/public split/i).first()).toBeVisible({ timeout: 120_000 });
  // The model's score, recomputed from its generated top-10 file with lib/scoring, is the one the team is shown.
  const modelId = /\/submissions\/([^/?#]+)/.exec(modelTeam.url())![1]!;
  // The organizer's copy is the whole file; the team's own download holds only the public queries until the reveal.
  const generated = await organizerPage.request.get(`/api/v1/competitions/${slug}/submissions/${modelId}/results`);
  expect(generated.status()).toBe(200);
  const wholeFile = (await generated.json()) as Record<string, string[]>;
  const modelScores = splitScores(wholeFile, truth);
  const teamCopy = (await (await modelTeam.request.get(`/api/v1/competitions/${slug}/submissions/${modelId}/results`)).json()) as Record<string, string[]>;
  expect(splitScores(teamCopy, truth).public).toBeCloseTo(modelScores.public, 6);
  expect(Object.keys(teamCopy).length).toBeLessThan(Object.keys(wholeFile).length);
  await expect(modelTeam.getByRole("region", { name: "public split" })).toContainText(modelScores.public.toFixed(2));
  await expect(modelTeam.getByRole("region", { name: "private split" })).toHaveCount(0);
  await shoot(modelTeam, "tour-07-model-scored");

  // 4b. A model exported with external data: the team picks the .onnx and its data file together; the browser packs
  // them into one .tar and the worker checks every reference before queueing it. The model carries its manifest in
  // metadata_props and the form's manifest is left empty, as it starts.
  const { model: towerModel, data: towerData } = externalDataEncoder({ location: "tower.onnx.data", metadata: { "podium.manifest": JSON.stringify(meanColourManifest) } });
  const tower = testInfo.outputPath("tower.onnx");
  writeFileSync(tower, towerModel);
  writeFileSync(testInfo.outputPath("tower.onnx.data"), towerData);
  await modelTeam.goto(`/c/${slug}/entries`);
  await expect(modelTeam.getByTestId("model-manifest")).toHaveValue("");
  await modelTeam.getByTestId("model-file").setInputFiles([tower, testInfo.outputPath("tower.onnx.data")]);
  await expect(modelTeam.getByTestId("model-outcome")).toContainText("Checked and queued", { timeout: 60_000 });
  await shoot(modelTeam, "tour-07b-external-data-queued");
  // At a phone's width the signed-in header fits: nothing scrolls sideways and "Sign out" is on screen.
  await modelTeam.setViewportSize({ width: 390, height: 844 });
  await expect(modelTeam.getByRole("button", { name: "Sign out" })).toBeInViewport();
  expect(await modelTeam.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shoot(modelTeam, "tour-07c-phone-signed-in");
  await modelTeam.setViewportSize({ width: 1280, height: 900 });

  // 5. The public board updated on the open page, without a reload.
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  await expect(rows.nth(0)).toContainText("Exact Answers");
  await expect(rows.nth(0)).toContainText("1000.00");
  await expect(rows.nth(1)).toContainText("Mean Colours");
  await expect(rows.nth(1)).toContainText(modelScores.public.toFixed(2));
  // Times of the best entries, rendered in the browser, in the contest's zone.
  await expect(rows.nth(1)).toContainText(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} CES?T/);
  await shoot(spectator, "tour-08-live-public-board");

  // 6. A participant tries the hidden data and is refused: the organizers' dataset API, the dashboard, the private board.
  expect((await modelTeam.request.get(`/api/v1/competitions/${slug}/datasets`)).status()).toBe(403);
  expect((await modelTeam.request.get(`/api/v1/competitions/${slug}/leaderboard?board=private`)).status()).toBe(403);
  await modelTeam.goto(`/c/${slug}/manage`);
  await expect(modelTeam.getByText(/organizers/i).first()).toBeVisible();
  await shoot(modelTeam, "tour-09-participant-refused");

  // 7. The organizer reveals the private board: its order and scores are lib/scoring's, and the organizer's live
  // private board (the API, before the reveal) said the same.
  const expectedPrivate = [
    { team: "Exact Answers", score: 1000 },
    { team: "Mean Colours", score: modelScores.private },
  ].sort((a, b) => b.score - a.score);
  expect(expectedPrivate[1]!.score).toBeLessThan(expectedPrivate[0]!.score);
  const live = (await (await organizerPage.request.get(`/api/v1/competitions/${slug}/leaderboard?board=private`)).json()) as { rows: { team: string; score: number }[] };
  expect(live.rows.map((row) => ({ team: row.team, score: Number(row.score.toFixed(2)) }))).toEqual(expectedPrivate.map((row) => ({ team: row.team, score: Number(row.score.toFixed(2)) })));
  await organizerPage.reload();
  await revealPrivateBoard(organizerPage);
  await spectator.reload();
  const privateRows = spectator.getByTestId("leaderboard-private").getByTestId("leaderboard-row");
  await expect(privateRows).toHaveCount(2);
  for (const [i, row] of expectedPrivate.entries()) {
    await expect(privateRows.nth(i)).toContainText(row.team);
    await expect(privateRows.nth(i)).toContainText(row.score.toFixed(2));
  }
  await expectSchedule(spectator, schedule);
  await shoot(spectator, "tour-10-private-board-revealed");
  // The same page at phone width: the schedule and the boards' times must still read well.
  await spectator.setViewportSize({ width: 390, height: 844 });
  await shoot(spectator, "tour-11-private-board-phone");
});
