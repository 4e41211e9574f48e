import { describe, expect, it } from "vitest";
import { listTimeZones } from "./time-zone-names";
import { instantToWallTime, isKnownTimeZone, isWallTime, wallTimeToInstant, zoneOffsetMs } from "./zoned-wall-time";

const iso = (wallTime: string, zone: string) => {
  const outcome = wallTimeToInstant(wallTime, zone);
  if (!outcome.ok) throw new Error(outcome.error);
  return { at: outcome.at.toISOString(), kind: outcome.kind };
};

describe("wallTimeToInstant", () => {
  it("reads a wall time in the named zone, not the machine's", () => {
    expect(iso("2026-12-01T14:00", "UTC")).toEqual({ at: "2026-12-01T14:00:00.000Z", kind: "exact" });
    expect(iso("2026-12-01T14:00", "Asia/Kolkata")).toEqual({ at: "2026-12-01T08:30:00.000Z", kind: "exact" });
    expect(iso("2026-12-01T14:00", "America/New_York")).toEqual({ at: "2026-12-01T19:00:00.000Z", kind: "exact" });
    expect(iso("2026-07-01T14:00", "America/New_York")).toEqual({ at: "2026-07-01T18:00:00.000Z", kind: "exact" });
    expect(iso("2026-07-01T14:00:30", "Europe/Berlin")).toEqual({ at: "2026-07-01T12:00:30.000Z", kind: "exact" });
    expect(iso("2027-01-01T00:15", "Pacific/Kiritimati")).toEqual({ at: "2026-12-31T10:15:00.000Z", kind: "exact" });
  });

  it("moves a time the clocks skip forward by the gap (New York springs forward at 02:00 on 8 March 2026)", () => {
    expect(iso("2026-03-08T01:59", "America/New_York")).toEqual({ at: "2026-03-08T06:59:00.000Z", kind: "exact" });
    // 02:30 does not exist: it is read as 03:30 EDT, one hour on.
    expect(iso("2026-03-08T02:30", "America/New_York")).toEqual({ at: "2026-03-08T07:30:00.000Z", kind: "skipped" });
    expect(iso("2026-03-08T03:00", "America/New_York")).toEqual({ at: "2026-03-08T07:00:00.000Z", kind: "exact" });
    // Berlin skips 02:00–03:00 on 29 March 2026.
    expect(iso("2026-03-29T02:15", "Europe/Berlin")).toEqual({ at: "2026-03-29T01:15:00.000Z", kind: "skipped" });
  });

  it("takes the earlier of a time the clocks repeat (New York falls back at 02:00 on 1 November 2026)", () => {
    // 01:30 happens twice, at 05:30Z (EDT) and at 06:30Z (EST): the first counts.
    expect(iso("2026-11-01T01:30", "America/New_York")).toEqual({ at: "2026-11-01T05:30:00.000Z", kind: "repeated" });
    expect(iso("2026-11-01T02:00", "America/New_York")).toEqual({ at: "2026-11-01T07:00:00.000Z", kind: "exact" });
    expect(iso("2026-10-25T02:30", "Europe/Berlin")).toEqual({ at: "2026-10-25T00:30:00.000Z", kind: "repeated" });
  });

  it("refuses what is not a wall time, a real date or a known zone", () => {
    expect(wallTimeToInstant("2026-12-01T14:00Z", "UTC")).toMatchObject({ ok: false, error: expect.stringContaining("date and time") });
    expect(wallTimeToInstant("tomorrow", "UTC")).toMatchObject({ ok: false });
    expect(wallTimeToInstant("2026-02-30T10:00", "UTC")).toMatchObject({ ok: false, error: "2026-02-30T10:00 is not a real date and time" });
    expect(wallTimeToInstant("2026-12-01T24:00", "UTC")).toMatchObject({ ok: false });
    expect(wallTimeToInstant("2026-12-01T14:00", "Mars/Olympus")).toMatchObject({ ok: false, error: expect.stringContaining("Mars/Olympus") });
  });
});

describe("instantToWallTime", () => {
  it("shows an instant as a datetime-local value in the zone", () => {
    expect(instantToWallTime("2026-12-01T08:30:00Z", "Asia/Kolkata")).toBe("2026-12-01T14:00");
    expect(instantToWallTime(new Date("2026-12-31T23:30:00Z"), "Asia/Kolkata")).toBe("2027-01-01T05:00");
    expect(instantToWallTime("2026-11-01T05:30:00Z", "America/New_York")).toBe("2026-11-01T01:30");
    expect(instantToWallTime("2026-11-01T06:30:00Z", "America/New_York")).toBe("2026-11-01T01:30");
    expect(instantToWallTime("2026-07-01T12:00:30Z", "Europe/Berlin")).toBe("2026-07-01T14:00:30");
    expect(instantToWallTime("2026-07-01T12:00:00.250Z", "Europe/Berlin")).toBe("2026-07-01T14:00:00.250");
    expect(iso("2026-07-01T14:00:00.250", "Europe/Berlin").at).toBe("2026-07-01T12:00:00.250Z");
    expect(instantToWallTime("2026-07-01T12:00:00Z", "Mars/Olympus")).toBe("2026-07-01T12:00");
    expect(instantToWallTime("not a time", "UTC")).toBe("");
  });

  it("round-trips every wall time that happens once", () => {
    for (const zone of ["America/New_York", "Asia/Kolkata", "Europe/Berlin", "Australia/Lord_Howe", "UTC"]) {
      for (let hour = 0; hour < 24 * 400; hour += 7) {
        const at = new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000 + 17 * 60_000);
        const back = wallTimeToInstant(instantToWallTime(at, zone), zone);
        expect(back.ok && (back.kind === "exact" || back.kind === "repeated")).toBe(true);
        if (back.ok && back.kind === "exact") expect(back.at.toISOString()).toBe(at.toISOString());
      }
    }
  });
});

describe("helpers", () => {
  it("tell zones, offsets and wall times apart", () => {
    expect(isKnownTimeZone("Asia/Kolkata")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus")).toBe(false);
    expect(isKnownTimeZone("")).toBe(false);
    expect(zoneOffsetMs("Asia/Kolkata", Date.UTC(2026, 0, 1))).toBe(5.5 * 3_600_000);
    expect(zoneOffsetMs("America/New_York", Date.UTC(2026, 6, 1))).toBe(-4 * 3_600_000);
    expect(isWallTime("2026-12-01T14:00")).toBe(true);
    expect(isWallTime("2026-12-01T14:00:00+01:00")).toBe(false);
    expect(isWallTime("none")).toBe(false);
  });
});

describe("listTimeZones", () => {
  it("offers current IANA names, UTC first, and the competition's own zone", () => {
    const zones = listTimeZones("Asia/Calcutta");
    expect(zones[0]).toBe("UTC");
    expect(zones).toContain("Asia/Kolkata");
    expect(zones).toContain("Europe/Kyiv");
    expect(zones).toContain("America/New_York");
    expect(zones).toContain("Asia/Calcutta");
    expect(zones).not.toContain("Europe/Kiev");
    expect(new Set(zones).size).toBe(zones.length);
    expect(listTimeZones("Mars/Olympus")).not.toContain("Mars/Olympus");
  });
});
