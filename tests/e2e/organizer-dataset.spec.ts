import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { expectSchedule, fillRealisticSettings, organizer, screenshots, shoot, signIn } from "./helpers";
import { formatTime } from "../../lib/time/format-time";
import { instantToWallTime } from "../../lib/time/zoned-wall-time";
import { readArchiveEntries } from "../../lib/datasets/archive-entries";
import { bufferSource, tarArchive, validDatasetEntries } from "../helpers/archives";

test("an organizer sets up a competition and its hidden dataset; a participant downloads a bundle without labels", async ({ browser }, testInfo) => {
  const slug = `e2e-${Date.now().toString(36)}`;
  // One participant per project (desktop, phone): the server is shared, and each run starts with no team.
  const participantEmail = `team-${testInfo.project.name}@podium.test`;
  const archivePath = testInfo.outputPath("faces.tar.gz");
  writeFileSync(archivePath, await tarArchive(await validDatasetEntries(12, { training: true }), true));

  // Organizer: sign in, create the competition, upload and activate the dataset.
  const organizerContext = await browser.newContext();
  const page = await organizerContext.newPage();
  await signIn(page, organizer.email, organizer.password);
  await page.goto("/competitions/new");
  await page.getByLabel("Title").fill("Celebrity photo → portrait retrieval");
  await page.getByLabel("Slug").fill(slug);
  await page.getByLabel("Description").fill("Find the **portrait** of each person.");
  await shoot(page, "01-new-competition");
  await page.getByRole("button", { name: "Create competition" }).click();
  await expect(page.getByText("Competition created.")).toBeVisible();

  await page.getByTestId("dataset-file").setInputFiles(archivePath);
  const progress = page.getByTestId("upload-progress");
  await expect(progress).toBeVisible();
  await shoot(page, "02-upload-progress");
  await expect(progress).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByText(/Version 1 is valid and ready to activate/)).toBeVisible({ timeout: 60_000 });
  const version = page.getByTestId("dataset-version-1");
  await expect(version.getByTestId("dataset-status")).toHaveText("READY");
  await expect(version.getByTestId("dataset-counts")).toContainText("12 queries · 14 gallery · 3 training in 2 identities · 12 evaluated");
  await shoot(page, "03-validation-report");
  await version.getByRole("button", { name: "Activate version 1" }).click();
  await expect(page.getByText("Dataset version 1 is active.")).toBeVisible();
  await expect(version.getByText("active", { exact: true })).toBeVisible();

  // Settings through the same schema as the API and CLI, checked as they are typed. The schedule is picked as wall
  // time in the competition's zone (Asia/Kolkata: an offset, not a name, GMT+5:30); an end before the start and a
  // public fraction of 1.5 are refused together, each listed, and everything typed stays in the form.
  const settings = page.getByTestId("settings-form");
  await page.getByLabel("Time zone").selectOption("Asia/Kolkata");
  await expect(settings.getByText("Asia/Kolkata time", { exact: true })).toHaveCount(3);
  await page.getByLabel("Starts at").fill("2031-03-10T09:30");
  await expect(settings.getByText("10 Mar 2031, 09:30 GMT+5:30, which is 10 Mar 2031, 04:00 UTC.")).toBeVisible();
  await page.getByLabel("Ends at").fill("2031-03-09T18:00");
  await page.getByLabel("Public fraction").fill("1.5");
  await expect(page.getByLabel("Public fraction")).toHaveAttribute("aria-invalid", "true");
  await expect(settings.locator("#settings-publicFraction-error")).toHaveText("must be between 0 and 1");
  await page.getByRole("button", { name: "Save settings" }).click();
  const errors = page.getByTestId("settings-errors");
  await expect(errors).toContainText("The settings were not saved: 2 problems");
  await expect(errors.getByRole("listitem")).toHaveText(["Ends at: must be after the start", "Public fraction: must be between 0 and 1"]);
  await expect(errors).toBeFocused();
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Kolkata");
  await expect(page.getByLabel("Starts at")).toHaveValue("2031-03-10T09:30");
  await expect(page.getByLabel("Ends at")).toHaveValue("2031-03-09T18:00");
  await expect(page.getByLabel("Public fraction")).toHaveValue("1.5");
  await expect(page.getByLabel("Ends at")).toHaveAttribute("aria-invalid", "true");
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="settings-form"]').analyze();
  expect(violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => violation.id)).toEqual([]);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(width);
    await settings.screenshot({ path: join(screenshots, `04a-settings-refused-${width}.png`) });
  }
  // A schedule in Asia/Kolkata, a freeze ahead and a 0.5 split: saved, and shown in the zone.
  const schedule = await fillRealisticSettings(page, "Asia/Kolkata");
  await page.getByLabel("Daily limit per team").fill("5");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await expect(page.getByTestId("schedule-summary")).toContainText(`starts ${formatTime(schedule.startsAt, "Asia/Kolkata")}`);
  await expect(page.getByLabel("Starts at")).toHaveValue(instantToWallTime(schedule.startsAt, "Asia/Kolkata"));
  await shoot(page, "04-dashboard");

  // Participant: sign up, create a team, download the bundle.
  const participantContext = await browser.newContext();
  const participant = await participantContext.newPage();
  await participant.goto("/sign-up");
  await participant.getByLabel("E-mail").fill(participantEmail);
  await participant.getByLabel("Password").fill("participant password");
  await participant.getByRole("button", { name: "Create account" }).click();
  await expect(participant.getByText(/Signed up — now sign in/)).toBeVisible();
  await signIn(participant, participantEmail, "participant password");
  // Signing in lands on "your competitions": none yet, and the way to find one.
  await expect(participant).toHaveURL(/\/competitions$/);
  await expect(participant.getByText("No team yet")).toBeVisible();
  await participant.goto(`/c/${slug}`);
  await expect(participant.getByRole("heading", { name: "Celebrity photo → portrait retrieval" })).toBeVisible();
  await expectSchedule(participant, schedule);
  await expect(participant.getByRole("link", { name: "Organizer dashboard" })).toHaveCount(0);
  await participant.getByRole("link", { name: "Join this competition" }).click();
  await expect(participant).toHaveURL(new RegExp(`/c/${slug}/team$`));
  await participant.getByLabel("Create a team to take part").fill("Deep Thinkers");
  await participant.getByRole("button", { name: "Create team" }).click();
  await expect(participant.getByText("Your team is registered.")).toBeVisible();
  await participant.goto("/competitions");
  await expect(participant.getByTestId("my-teams")).toContainText("team Deep Thinkers");
  await shoot(participant, "05a-your-competitions");
  await participant.goto(`/c/${slug}`);
  await shoot(participant, "05-competition-page");
  await participant.getByRole("navigation", { name: "Competition sections" }).getByRole("link", { name: "Data" }).click();
  await expect(participant).toHaveURL(new RegExp(`/c/${slug}/data$`));
  await shoot(participant, "05b-data-tab");
  const downloading = participant.waitForEvent("download");
  await participant.getByRole("link", { name: "Download the data (.zip)" }).click();
  const download = await downloading;
  const names: string[] = [];
  const texts: Record<string, string> = {};
  for await (const entry of readArchiveEntries(bufferSource(readFileSync(await download.path())), "zip")) {
    names.push(entry.path);
    if (/^(README\.md|sample_submission\.json)$/.test(entry.path)) {
      const chunks: Buffer[] = [];
      for await (const chunk of await entry.open()) chunks.push(chunk as Buffer);
      texts[entry.path] = Buffer.concat(chunks).toString("utf8");
    }
  }
  expect(names).toContain("query/q0.jpg");
  expect(names).toContain("gallery/g11.jpg");
  expect(names).toContain("training/alice/a1.jpg");
  expect(names.filter((name) => /ground_truth|labels/i.test(name))).toEqual([]);
  // A README says what the task and the formats are; the sample submission is accepted as it is (its first entry).
  expect(texts["README.md"]).toContain("## Submitting");
  expect(texts["README.md"]).toContain("12 query images");
  const sample = testInfo.outputPath("sample_submission.json");
  writeFileSync(sample, texts["sample_submission.json"]!);
  await participant.goto(`/c/${slug}/entries`);
  await participant.getByTestId("results-file").setInputFiles(sample);
  await expect(participant.getByTestId("submit-outcome")).toContainText("Scored:");
  await expect(participant.getByTestId("entries-left")).toHaveText("4 of 5 entries left today");
  // The bundle ships the Python client, and the page offers it on its own.
  expect(names).toContain("podium_client.py");
  await participant.goto(`/c/${slug}/data`);
  const clientDownload = participant.waitForEvent("download");
  await participant.getByRole("link", { name: "Python client (podium_client.py)" }).click();
  expect(readFileSync(await (await clientDownload).path(), "utf8")).toMatch(/^#!\/usr\/bin\/env python3\n"""Podium's client for teams/);

  // The participant cannot open the organizer dashboard or the organizer API.
  await participant.goto(`/c/${slug}/manage`);
  await expect(participant.getByText(`Only the organizers of ${slug} can open its dashboard.`)).toBeVisible();
  const api = await participant.request.get(`/api/v1/competitions/${slug}/datasets`);
  expect(api.status()).toBe(403);

  // With an entry scored, a new split seed changes what its score means: the save is refused with the reason, the new
  // seed stays typed, and ticking the rescore box saves it and queues the entry for rescoring.
  await page.goto(`/c/${slug}/manage#settings`);
  await page.getByLabel("Split seed").fill("re-rolled");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-errors")).toContainText(/changing splitSeed changes what the 1 scored entry's score means/);
  await expect(page.getByLabel("Split seed")).toHaveValue("re-rolled");
  await page.getByRole("checkbox", { name: "Rescore every entry" }).check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved. 1 entry is queued for rescoring")).toBeVisible();
  await expect(page.getByLabel("Split seed")).toHaveValue("re-rolled");
  await expect(page.getByTestId("audit-log")).toContainText("re-rolled");

  await organizerContext.close();
  await participantContext.close();
});
