import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { shoot, signIn } from "./helpers";

// An accessibility check (axe-core) of every page a visitor, a participant and an organizer reach on the demo
// contest, at desktop (1280 px) and phone (390 px) widths, opened on 127.0.0.1: no serious or critical violation.

const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
];
const DEMO_PASSWORD = "podium-demo";

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", ")}`);
}

for (const size of WIDTHS) {
  test(`no serious accessibility violation on any page at ${size.name} width`, async ({ browser }) => {
    const pages: { who: string; email?: string; paths: string[] }[] = [
      { who: "visitor", paths: ["/", "/sign-in", "/sign-up", "/c/demo", "/c/demo/data", "/c/demo/leaderboard", "/c/demo/team"] },
      { who: "participant", email: "ada@demo.podium", paths: ["/competitions", "/c/demo", "/c/demo/data", "/c/demo/leaderboard", "/c/demo/team", "/c/demo/entries", "/account"] },
      { who: "organizer", email: "organizer@demo.podium", paths: ["/c/demo/manage", "/competitions/new"] },
    ];
    const found: string[] = [];
    for (const { who, email, paths } of pages) {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      if (email) await signIn(page, email, DEMO_PASSWORD);
      for (const path of paths) {
        const response = await page.goto(path);
        expect(response?.status(), `${who} ${path}`).toBe(200);
        await page.waitForLoadState("networkidle");
        for (const line of await seriousViolations(page)) found.push(`${who} ${path}: ${line}`);
        if (path === "/c/demo/leaderboard") {
          // The score chart's axes: round scores from 0 and times in the one format, in text a person can read.
          const chart = page.getByTestId("score-chart");
          await expect(chart.getByText("0", { exact: true })).toBeVisible();
          await expect(chart.getByText(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} [A-Z+\d-]+$/).first()).toBeVisible();
          const sizes = await chart.locator("span.font-mono, span.whitespace-nowrap").evaluateAll((spans) => spans.filter((span) => (span as HTMLElement).offsetParent !== null).map((span) => parseFloat(getComputedStyle(span).fontSize)));
          expect(Math.min(...sizes), `${who} ${path} chart labels`).toBeGreaterThanOrEqual(11);
        }
        await shoot(page, `a11y-${size.name}-${who}-${path.replace(/\W+/g, "-").replace(/^-|-$/g, "") || "home"}`);
      }
      await context.close();
    }
    expect(found, found.join("\n")).toEqual([]);
  });
}
