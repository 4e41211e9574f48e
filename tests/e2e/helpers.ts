import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { formatTime } from "../../lib/time/format-time";
import { instantToWallTime } from "../../lib/time/zoned-wall-time";

/** The organizer account tests/e2e/start-server.mjs creates before the server starts. */
export const organizer = { email: "organizer@podium.test", password: "organizer password 1" };

export const screenshots = join(process.cwd(), "test-results", "screenshots");
mkdirSync(screenshots, { recursive: true });

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The header names the account at desktop width and says "Account" on a phone; "Sign out" shows at both.
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  const width = page.viewportSize()?.width ?? 1280;
  await expect(page.getByRole("link", { name: width >= 640 ? email : "Account" })).toBeVisible();
}

/**
 * A full-page screenshot under test-results/screenshots (named for the project: "-phone" at 390 px), after checking
 * that the page does not scroll sideways at its width.
 */
export async function shoot(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? 1280;
  // The message names what sticks out, so a failure says what to fix: elements past the edge that no scrolling box
  // holds, and positioned ones (an absolute element escapes a scrolling box that is not its containing block).
  const overflow = await page.evaluate((limit) => {
    const clipped = (element: Element) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) if (getComputedStyle(parent).overflowX !== "visible") return true;
      return false;
    };
    const wide = [...document.querySelectorAll("body *")].filter((element) => element.getBoundingClientRect().right + window.scrollX > limit + 1 && (!clipped(element) || getComputedStyle(element).position === "absolute"));
    const outermost = wide.filter((element) => !wide.includes(element.parentElement!));
    return { scrollWidth: document.documentElement.scrollWidth, culprits: outermost.slice(0, 5).map((element) => `<${element.tagName.toLowerCase()} class="${element.getAttribute("class") ?? ""}"> ${(element.textContent ?? "").slice(0, 60)}`) };
  }, width);
  expect(overflow.scrollWidth, `${name}: no sideways scrolling at ${width} px; sticking out:\n${overflow.culprits.join("\n")}`).toBeLessThanOrEqual(width);
  const project = test.info().project.name;
  await page.screenshot({ path: join(screenshots, `${name}${project === "phone" ? "-phone" : ""}.png`), fullPage: true });
}

/** A new participant in a fresh browser context: signs up, signs in and creates a team in the competition. */
export async function newTeam(browser: Browser, slug: string, email: string, teamName: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-up");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("participant password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(/Signed up — now sign in/)).toBeVisible();
  await signIn(page, email, "participant password");
  await page.goto(`/c/${slug}/team`);
  await page.getByLabel("Create a team to take part").fill(teamName);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByText("Your team is registered.")).toBeVisible();
  // Entries are sent from the "My entries" tab.
  await page.getByRole("link", { name: "My entries" }).click();
  await expect(page).toHaveURL(new RegExp(`/c/${slug}/entries$`));
  return page;
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Realistic contest settings (docs THREATS.md), entered into the organizer dashboard's settings form (not saved): a
 * schedule in `timeZone` — opened an hour ago, closing in 30 days —, picked as wall time in that zone, the leaderboard
 * frozen at a freeze still ahead (so the public board keeps moving while the test submits) and half of the queries
 * public. Returns the instants (whole minutes: what the date-time pickers hold).
 */
export async function fillRealisticSettings(page: Page, timeZone: string) {
  const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const schedule = { timeZone, startsAt: new Date(now - HOUR_MS).toISOString(), endsAt: new Date(now + 30 * 24 * HOUR_MS).toISOString(), freezeAt: new Date(now + 20 * 24 * HOUR_MS).toISOString() };
  await page.getByLabel("Time zone").selectOption(timeZone);
  await page.getByLabel("Starts at").fill(instantToWallTime(schedule.startsAt, timeZone));
  await page.getByLabel("Ends at").fill(instantToWallTime(schedule.endsAt, timeZone));
  await page.getByLabel("Leaderboard", { exact: true }).selectOption("frozen");
  await page.getByLabel("Freeze at").fill(instantToWallTime(schedule.freezeAt, timeZone));
  await page.getByLabel("Public fraction").fill("0.5");
  return schedule;
}

/** The competition page's subtitle: its schedule in its own zone, in lib/time/format-time's one format. */
export async function expectSchedule(page: Page, schedule: { timeZone: string; startsAt: string; endsAt: string }) {
  await expect(page.getByText(`${formatTime(schedule.startsAt, schedule.timeZone)} – ${formatTime(schedule.endsAt, schedule.timeZone)}`, { exact: true })).toBeVisible();
}

/** Clicks the organizer's reveal, accepting a confirmation (a dialog or a confirm checkbox) if the form asks for one. */
export async function revealPrivateBoard(page: Page) {
  page.on("dialog", (dialog) => void dialog.accept());
  const button = page.getByRole("button", { name: "Reveal the private leaderboard" });
  const form = page.locator("form").filter({ has: button });
  const confirm = form.locator('input[type="checkbox"][name="confirm"]');
  if ((await confirm.count()) > 0) await confirm.check();
  await button.click();
  await expect(page.getByText("The private leaderboard is revealed.")).toBeVisible();
}
