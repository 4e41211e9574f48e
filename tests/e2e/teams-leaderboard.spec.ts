import { writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectSchedule, fillRealisticSettings, newTeam, organizer, revealPrivateBoard, shoot, signIn } from "./helpers";
import { splitQueries } from "../../lib/scoring/split-queries";
import { tarArchive, validDatasetEntries } from "../helpers/archives";

test("two teams submit, the public board updates live, and the reveal reorders the private board", async ({ browser }, testInfo) => {
  const slug = `live-${Date.now().toString(36)}`;
  const queries = Array.from({ length: 12 }, (_, i) => `q${i}.jpg`);
  const gallery = [...queries.map((_, i) => `g${i}.jpg`), "distractor-1.png", "distractor-2.jpg"];
  const isPublic = splitQueries(queries, { seed: "e2e", publicFraction: 0.5 });
  const results = (correctOn: (publicQuery: boolean) => number) =>
    JSON.stringify(
      Object.fromEntries(
        queries.map((query, i) => {
          const rank = correctOn(isPublic[i] === 1);
          const list = gallery.filter((name) => name !== `g${i}.jpg`).slice(0, 10);
          if (rank > 0) list[rank - 1] = `g${i}.jpg`;
          return [query, list];
        }),
      ),
    );
  const publicHeavy = testInfo.outputPath("public-heavy.json");
  const privateHeavy = testInfo.outputPath("private-heavy.json");
  writeFileSync(publicHeavy, results((pub) => (pub ? 1 : 0))); // public 1000, private 0
  writeFileSync(privateHeavy, results((pub) => (pub ? 8 : 1))); // public 100, private 1000
  const archive = testInfo.outputPath("dataset.tar.gz");
  writeFileSync(archive, await tarArchive(await validDatasetEntries(12), true));

  // The organizer sets up the contest with a half-and-half split, a schedule in Los Angeles and a freeze ahead.
  const organizerPage = await (await browser.newContext()).newPage();
  await signIn(organizerPage, organizer.email, organizer.password);
  await organizerPage.goto("/competitions/new");
  await organizerPage.getByLabel("Title").fill("Live board");
  await organizerPage.getByLabel("Slug").fill(slug);
  await organizerPage.getByRole("button", { name: "Create competition" }).click();
  const schedule = await fillRealisticSettings(organizerPage, "America/Los_Angeles");
  await organizerPage.getByLabel("Split seed").fill("e2e");
  await organizerPage.getByRole("button", { name: "Save settings" }).click();
  await expect(organizerPage.getByText("Settings saved.")).toBeVisible();
  await organizerPage.getByTestId("dataset-file").setInputFiles(archive);
  await expect(organizerPage.getByText(/Version 1 is valid and ready to activate/)).toBeVisible({ timeout: 60_000 });
  await organizerPage.getByRole("button", { name: "Activate version 1" }).click();
  await expect(organizerPage.getByText("Dataset version 1 is active.")).toBeVisible();

  // A spectator keeps the public page open; it must update without a reload.
  const spectator = await (await browser.newContext()).newPage();
  await spectator.goto(`/c/${slug}`);
  await expectSchedule(spectator, schedule);
  // The board is a tab with its own URL (and the schedule stays over every tab).
  await spectator.getByRole("navigation", { name: "Competition sections" }).getByRole("link", { name: "Leaderboard" }).click();
  await expect(spectator).toHaveURL(new RegExp(`/c/${slug}/leaderboard$`));
  await expect(spectator.getByRole("link", { name: "Leaderboard" })).toHaveAttribute("aria-current", "page");
  await expectSchedule(spectator, schedule);
  await expect(spectator.getByText("No scores yet")).toBeVisible();

  const alpha = await newTeam(browser, slug, "alpha@podium.test", "Alpha");
  await alpha.getByTestId("results-file").setInputFiles(publicHeavy);
  await expect(alpha.getByTestId("submit-outcome")).toContainText("Scored: 1000.00 on the public split.");
  await expect(alpha.getByTestId("team-submissions")).toContainText("1000.00");
  await shoot(alpha, "06-team-submitted");

  const rows = spectator.getByTestId("leaderboard-public").getByTestId("leaderboard-row");
  await expect(rows).toHaveCount(1, { timeout: 15_000 });
  await expect(rows.first()).toContainText("Alpha");

  const beta = await newTeam(browser, slug, "beta@podium.test", "Beta");
  await beta.getByTestId("results-file").setInputFiles(privateHeavy);
  await expect(beta.getByTestId("submit-outcome")).toContainText("Scored: 100.00 on the public split.");
  await expect(rows).toHaveCount(2, { timeout: 15_000 });
  await expect(rows.nth(0)).toContainText("Alpha");
  await expect(rows.nth(1)).toContainText("Beta");
  await expect(rows.nth(1)).toContainText(/\d{2}:\d{2}:\d{2} P[SD]T/);
  await shoot(spectator, "07-live-public-board");

  // Before the reveal nobody but the organizers sees private numbers.
  expect((await beta.request.get(`/api/v1/competitions/${slug}/leaderboard?board=private`)).status()).toBe(403);
  const own = await (await beta.request.get(`/api/v1/competitions/${slug}/submissions`)).json();
  expect(Object.keys(own.submissions[0].scores)).toEqual(["public"]);

  await organizerPage.reload();
  await revealPrivateBoard(organizerPage);
  await shoot(organizerPage, "08-organizer-reveal");

  await spectator.reload();
  const privateRows = spectator.getByTestId("leaderboard-private").getByTestId("leaderboard-row");
  await expect(privateRows).toHaveCount(2);
  await expect(privateRows.nth(0)).toContainText("Beta");
  await expect(privateRows.nth(0)).toContainText("1000.00");
  await expect(privateRows.nth(1)).toContainText("Alpha");
  // The shake-up: Beta rose from 2nd on the public board, Alpha fell from 1st; the private board now comes first.
  await expect(privateRows.nth(0).getByTestId("rank-change")).toHaveText("▲ 1up 1 place from 2 on the public board");
  await expect(privateRows.nth(1).getByTestId("rank-change")).toHaveText("▼ 1down 1 place from 1 on the public board");
  const [privateTop, publicTop] = await Promise.all([spectator.locator("#private-leaderboard").boundingBox(), spectator.locator("#leaderboard").boundingBox()]);
  expect(privateTop!.y).toBeLessThan(publicTop!.y);
  await shoot(spectator, "09-private-board-revealed");
});
