import { defineConfig } from "@playwright/test";

// Browser tests in Debian's Chromium (never a downloaded browser) against the production build on the embedded
// defaults, started fresh by tests/e2e/start-server.mjs.
const port = Number(process.env.PODIUM_E2E_PORT ?? 3211);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests/e2e",
  outputDir: "./test-results/e2e",
  reporter: [["list"]],
  timeout: 120_000,
  workers: 1,
  use: {
    baseURL,
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  // Every flow at a desktop's width; the organizer's and the teams' flows (browser uploads included) at a phone's too.
  projects: [
    { name: "desktop", use: { browserName: "chromium", viewport: { width: 1280, height: 900 } } },
    { name: "phone", use: { browserName: "chromium", viewport: { width: 390, height: 844 } }, testMatch: ["organizer-dataset.spec.ts", "teams-leaderboard.spec.ts"] },
  ],
  webServer: {
    command: "node tests/e2e/start-server.mjs",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    // The server is told it lives at localhost (as `npm start` assumes) while the browser opens 127.0.0.1: every page,
    // sign-in, download and upload must work on the host the site was opened on (signed part URLs used to point at
    // localhost, and the browser blocked them).
    env: { PORT: String(port), PODIUM_PUBLIC_URL: `http://localhost:${port}`, NEXT_TELEMETRY_DISABLED: "1" },
  },
});
