import { writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { newTeam, organizer, shoot, signIn } from "./helpers";
import { tarArchive } from "../helpers/archives";
import { colourDataset, meanColourManifest, slowEncoder } from "../helpers/onnx-encoders";

// The whole journey in Chromium, with a screenshot of each page under test-results/screenshots/tour-*.png: the demo
// started by `npm run demo`'s code, an organizer creating a second competition and uploading a generated dataset, two
// teams registering, one submitting a results file and one a model whose progress bar advances, the public board
// updating live, the reveal of the private board, and a participant refused the hidden data.

test("the tour: demo, a new contest, a results file and a model, live board, reveal, refusals", async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  // 1. The demo contest is there, its baselines scored by the server's worker.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/");
  await expect(visitor.getByRole("link", { name: /Photo ↔ portrait retrieval \(demo\)/ })).toBeVisible();
  await shoot(visitor, "tour-01-landing");
  await visitor.goto("/c/demo");
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
  await organizerPage.getByLabel("Submission kinds").fill("results,model");
  await organizerPage.getByLabel("Public fraction").fill("0.5");
  await organizerPage.getByLabel("Split seed").fill("tour");
  await organizerPage.getByRole("button", { name: "Save settings" }).click();
  await expect(organizerPage.getByText("Settings saved.")).toBeVisible();
  await organizerPage.getByTestId("dataset-file").setInputFiles(archive);
  await expect(organizerPage.getByTestId("upload-progress")).toBeVisible();
  await expect(organizerPage.getByText(/Version 1 is valid and ready to activate/)).toBeVisible({ timeout: 60_000 });
  await organizerPage.getByRole("button", { name: "Activate version 1" }).click();
  await expect(organizerPage.getByText("Dataset version 1 is active.")).toBeVisible();
  await shoot(organizerPage, "tour-03-organizer-dashboard");

  // A spectator keeps the public page open; it must update without a reload.
  const spectator = await (await browser.newContext()).newPage();
  await spectator.goto(`/c/${slug}`);
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
  await shoot(modelTeam, "tour-07-model-scored");

  // 5. The public board updated on the open page, without a reload.
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  await expect(rows.nth(0)).toContainText("Exact Answers");
  await expect(rows.nth(1)).toContainText("Mean Colours");
  await shoot(spectator, "tour-08-live-public-board");

  // 6. A participant tries the hidden data and is refused: the organizers' dataset API, the dashboard, the private board.
  expect((await modelTeam.request.get(`/api/v1/competitions/${slug}/datasets`)).status()).toBe(403);
  expect((await modelTeam.request.get(`/api/v1/competitions/${slug}/leaderboard?board=private`)).status()).toBe(403);
  await modelTeam.goto(`/c/${slug}/manage`);
  await expect(modelTeam.getByText(/organizers/i).first()).toBeVisible();
  await shoot(modelTeam, "tour-09-participant-refused");

  // 7. The organizer reveals the private board.
  await organizerPage.reload();
  await organizerPage.getByRole("button", { name: "Reveal the private leaderboard" }).click();
  await expect(organizerPage.getByText("The private leaderboard is revealed.")).toBeVisible();
  await spectator.reload();
  await expect(spectator.getByTestId("leaderboard-private").getByTestId("leaderboard-row")).toHaveCount(2);
  await shoot(spectator, "tour-10-private-board-revealed");
});
