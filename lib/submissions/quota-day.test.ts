import { describe, expect, it } from "vitest";
import { formatInZone, nextQuotaReset, quotaDayOf } from "./quota-day";

describe("quota days", () => {
  it("counts days in the competition's time zone", () => {
    const lateUtc = new Date("2026-12-01T23:30:00Z");
    expect(quotaDayOf(lateUtc, "UTC")).toBe("2026-12-01");
    expect(quotaDayOf(lateUtc, "Europe/Berlin")).toBe("2026-12-02");
    expect(quotaDayOf(lateUtc, "America/New_York")).toBe("2026-12-01");
  });

  it("resets at the next local midnight, across daylight-saving changes", () => {
    expect(nextQuotaReset(new Date("2026-12-01T10:00:00Z"), "Europe/Berlin").toISOString()).toBe("2026-12-01T23:00:00.000Z");
    expect(nextQuotaReset(new Date("2026-07-01T10:00:00Z"), "Europe/Berlin").toISOString()).toBe("2026-07-01T22:00:00.000Z");
    // The night clocks go forward in Berlin (29 March 2026): midnight is still 23:00 UTC of the day before.
    expect(nextQuotaReset(new Date("2026-03-28T12:00:00Z"), "Europe/Berlin").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(nextQuotaReset(new Date("2026-12-01T10:00:00Z"), "UTC").toISOString()).toBe("2026-12-02T00:00:00.000Z");
  });

  it("names the reset in the competition's zone with the one time format", () => {
    expect(formatInZone(nextQuotaReset(new Date("2026-12-01T10:00:00Z"), "Europe/Berlin"), "Europe/Berlin")).toBe("2 Dec 2026, 00:00 CET");
    expect(formatInZone(nextQuotaReset(new Date("2026-07-01T10:00:00Z"), "America/Los_Angeles"), "America/Los_Angeles")).toBe("2 Jul 2026, 00:00 PDT");
  });
});
