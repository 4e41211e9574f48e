import { describe, expect, it } from "vitest";
import { presentCompetition, type CompetitionRow } from "./competition-settings";
import { checkSettingsForm, describeSettingsError, formatByteSize, readSettingsForm, settingsFormValues } from "./settings-form";

const row: CompetitionRow = {
  id: "c1",
  slug: "faces",
  title: "Faces",
  description: "",
  rules: "",
  timeZone: "Asia/Kolkata",
  startsAt: new Date("2026-12-01T08:30:00Z"),
  endsAt: null,
  scoringWeights: [
    { k: 1, weight: 600 },
    { k: 5, weight: 300 },
    { k: 10, weight: 100 },
  ],
  submissionKinds: ["RESULTS", "MODEL"],
  dailyLimit: 5,
  totalLimit: null,
  teamSizeLimit: 4,
  publicFraction: 0.5,
  splitSeed: "seed",
  finalSelectionLimit: 2,
  allowPartial: false,
  legacyEndpointMode: "OFF",
  isLegacyDefault: false,
  rehearsal: false,
  leaderboardVisibility: "PUBLIC",
  freezeAt: null,
  revealedAt: null,
  registrationOpen: true,
  modelSizeLimitBytes: 4_000_000_000n,
  activeDatasetVersionId: null,
  teamAnalysis: "AFTER_END",
  ladderThreshold: null,
};

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
};

describe("settingsFormValues", () => {
  it("shows times as wall time in the competition's zone and none as empty", () => {
    const values = settingsFormValues(presentCompetition(row, "organizer"));
    expect(values).toMatchObject({ timeZone: "Asia/Kolkata", startsAt: "2026-12-01T14:00", endsAt: "", freezeAt: "", submissionKinds: "results,model", dailyLimit: "5", totalLimit: "", allowPartial: "false", registrationOpen: "true", modelSizeLimit: "4GB", ladderThreshold: "", splitSeed: "seed" });
  });

  it("saves unchanged values as they are", () => {
    const values = settingsFormValues(presentCompetition(row, "organizer"));
    const checked = checkSettingsForm(values);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.update.startsAt?.toISOString()).toBe("2026-12-01T08:30:00.000Z");
    expect(checked.update).toMatchObject({ endsAt: null, totalLimit: null, dailyLimit: 5, allowPartial: false, submissionKinds: ["RESULTS", "MODEL"], modelSizeLimit: 4_000_000_000n, ladderThreshold: null, teamAnalysis: "after-end" });
  });
});

describe("checkSettingsForm", () => {
  it("reads wall times in the chosen zone, daylight saving included", () => {
    const checked = checkSettingsForm({ timeZone: "America/New_York", startsAt: "2026-03-08T02:30", endsAt: "2026-11-01T01:30", freezeAt: "none" });
    expect(checked.ok && { startsAt: checked.update.startsAt?.toISOString(), endsAt: checked.update.endsAt?.toISOString(), freezeAt: checked.update.freezeAt }).toEqual({
      startsAt: "2026-03-08T07:30:00.000Z",
      endsAt: "2026-11-01T05:30:00.000Z",
      freezeAt: null,
    });
  });

  it("still takes ISO instants with an offset, as the API does", () => {
    const checked = checkSettingsForm({ startsAt: "2026-12-01T14:00:00+05:30" });
    expect(checked.ok && checked.update.startsAt?.toISOString()).toBe("2026-12-01T08:30:00.000Z");
  });

  it("lists every error by field, in the form's order, the end before the start included", () => {
    const checked = checkSettingsForm({ title: " ", timeZone: "Asia/Kolkata", startsAt: "2026-12-02T10:00", endsAt: "2026-12-01T10:00", publicFraction: "1.5", teamSize: "", dailyLimit: "0", leaderboard: "sideways", submissionKinds: "" });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.map(describeSettingsError)).toEqual([
      "Title: must not be empty",
      "Team size: must not be empty",
      "Ends at: must be after the start",
      "Submission kinds: accept at least one kind: results, model",
      "Daily limit per team: must be at least 1 (or none)",
      "Public fraction: must be between 0 and 1",
      "Leaderboard: must be public, hidden or frozen",
    ]);
  });

  it("refuses a wall time without a valid zone to read it in", () => {
    expect(checkSettingsForm({ startsAt: "2026-12-01T10:00" })).toMatchObject({ ok: false, errors: [{ field: "startsAt", message: expect.stringContaining("time zone") }] });
    expect(checkSettingsForm({ timeZone: "Mars/Olympus", startsAt: "2026-12-01T10:00" })).toMatchObject({
      ok: false,
      errors: [
        { field: "timeZone", message: expect.stringContaining("IANA") },
        { field: "startsAt", message: "needs a valid time zone" },
      ],
    });
    expect(checkSettingsForm({ timeZone: "UTC", startsAt: "2026-02-30T10:00" })).toMatchObject({ ok: false, errors: [{ field: "startsAt", message: "2026-02-30T10:00 is not a real date and time" }] });
  });

  it("reads empty optional numbers as none and off", () => {
    expect(checkSettingsForm({ dailyLimit: "", totalLimit: " ", ladderThreshold: "" })).toEqual({ ok: true, update: { dailyLimit: null, totalLimit: null, ladderThreshold: null } });
  });
});

describe("readSettingsForm", () => {
  it("takes the last value of a toggle and every ticked kind, and leaves out what was not posted", () => {
    const values = readSettingsForm(
      form([
        ["slug", "faces"],
        ["title", "Faces"],
        ["allowPartial", "false"],
        ["allowPartial", "true"],
        ["registrationOpen", "false"],
        ["submissionKinds", ""],
        ["submissionKinds", "model"],
      ]),
    );
    expect(values).toEqual({ title: "Faces", allowPartial: "true", registrationOpen: "false", submissionKinds: "model" });
    expect(readSettingsForm(form([["submissionKinds", ""]]))).toEqual({ submissionKinds: "" });
  });
});

describe("formatByteSize", () => {
  it("uses a unit when the size divides evenly", () => {
    expect(formatByteSize(4e9)).toBe("4GB");
    expect(formatByteSize(500 * 1024 ** 2)).toBe("500MiB");
    expect(formatByteSize(1234)).toBe("1234");
    expect(formatByteSize(0)).toBe("0");
  });
});
