import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";

/** The organizer account tests/e2e/start-server.mjs creates before the server starts. */
export const organizer = { email: "organizer@podium.test", password: "organizer password 1" };

export const screenshots = join(process.cwd(), "test-results", "screenshots");
mkdirSync(screenshots, { recursive: true });

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("link", { name: email })).toBeVisible();
}

/** A full-page screenshot under test-results/screenshots. */
export async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** A new participant in a fresh browser context: signs up, signs in and creates a team in the competition. */
export async function newTeam(browser: Browser, slug: string, email: string, teamName: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-up");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("participant password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Your account is ready — sign in.")).toBeVisible();
  await signIn(page, email, "participant password");
  await page.goto(`/c/${slug}`);
  await page.getByLabel("Create a team to take part").fill(teamName);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByText("Your team is registered.")).toBeVisible();
  return page;
}
