import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";

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
