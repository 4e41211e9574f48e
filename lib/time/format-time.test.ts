import { describe, expect, it } from "vitest";
import { formatOptionalTime, formatTime } from "./format-time";

describe("formatTime", () => {
  it("shows the time in the competition's zone with the zone's abbreviation", () => {
    expect(formatTime(new Date("2026-12-04T13:00:00Z"), "Europe/Berlin")).toBe("4 Dec 2026, 14:00 CET");
    expect(formatTime("2026-07-04T13:00:00Z", "Europe/Berlin")).toBe("4 Jul 2026, 15:00 CEST");
    expect(formatTime("2026-12-04T13:00:00Z", "America/New_York")).toBe("4 Dec 2026, 08:00 EST");
    expect(formatTime("2026-07-04T13:00:00Z", "America/Los_Angeles")).toBe("4 Jul 2026, 06:00 PDT");
    expect(formatTime("2026-12-04T13:00:00Z", "Europe/London")).toBe("4 Dec 2026, 13:00 GMT");
    expect(formatTime("2026-12-04T13:00:00Z", "UTC")).toBe("4 Dec 2026, 13:00 UTC");
  });

  it("names zones without an English abbreviation by their offset", () => {
    expect(formatTime("2026-12-04T13:00:00Z", "Asia/Kolkata")).toBe("4 Dec 2026, 18:30 GMT+5:30");
    expect(formatTime("2026-12-04T13:00:00Z", "Asia/Tokyo")).toBe("4 Dec 2026, 22:00 GMT+9");
  });

  it("crosses midnight and the date line with the zone, not the server's clock", () => {
    expect(formatTime("2026-12-31T23:30:00Z", "Asia/Kolkata")).toBe("1 Jan 2027, 05:00 GMT+5:30");
    expect(formatTime("2027-01-01T02:00:00Z", "America/Los_Angeles")).toBe("31 Dec 2026, 18:00 PST");
    expect(formatTime("2026-09-01T00:00:00Z", "UTC")).toBe("1 Sep 2026, 00:00 UTC");
  });

  it("follows daylight-saving changes", () => {
    // Berlin moves to CEST at 01:00 UTC on 29 March 2026.
    expect(formatTime("2026-03-29T00:59:00Z", "Europe/Berlin")).toBe("29 Mar 2026, 01:59 CET");
    expect(formatTime("2026-03-29T01:00:00Z", "Europe/Berlin")).toBe("29 Mar 2026, 03:00 CEST");
  });

  it("accepts dates, ISO strings and epoch milliseconds alike, and shows seconds on request", () => {
    const at = Date.UTC(2026, 11, 4, 13, 0, 5);
    expect(formatTime(at, "Europe/Berlin")).toBe(formatTime(new Date(at), "Europe/Berlin"));
    expect(formatTime(new Date(at).toISOString(), "Europe/Berlin", { seconds: true })).toBe("4 Dec 2026, 14:00:05 CET");
  });

  it("falls back to UTC for a missing or unknown zone, and to a dash for an invalid time", () => {
    expect(formatTime("2026-12-04T13:00:00Z", null)).toBe("4 Dec 2026, 13:00 UTC");
    expect(formatTime("2026-12-04T13:00:00Z", "Mars/Olympus")).toBe("4 Dec 2026, 13:00 UTC");
    expect(formatTime("not a time", "Europe/Berlin")).toBe("—");
  });

  it("says when there is no time", () => {
    expect(formatOptionalTime(null, "Europe/Berlin")).toBe("not set");
    expect(formatOptionalTime(undefined, "Europe/Berlin", "never")).toBe("never");
    expect(formatOptionalTime("2026-12-04T13:00:00Z", "Europe/Berlin", "never")).toBe("4 Dec 2026, 14:00 CET");
  });
});
