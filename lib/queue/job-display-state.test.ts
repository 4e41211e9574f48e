import { describe, expect, it } from "vitest";
import { jobDisplayState } from "./job-display-state";

describe("jobDisplayState", () => {
  const heartbeatAt = new Date("2026-12-04T10:00:00Z");
  const leaseExpiresAt = new Date("2026-12-04T10:01:00Z");
  const running = { state: "RUNNING", heartbeatAt, leaseExpiresAt, startedAt: heartbeatAt };

  it("says running while the holder renews its lease on time", () => {
    expect(jobDisplayState(running, new Date("2026-12-04T10:00:25Z"))).toBe("running");
  });

  it("says waiting for another worker once the holder missed a renewal, before the lease even expires", () => {
    expect(jobDisplayState(running, new Date("2026-12-04T10:00:31Z"))).toBe("waiting for another worker");
  });

  it("leaves other states alone", () => {
    expect(jobDisplayState({ ...running, state: "QUEUED" }, new Date("2026-12-04T11:00:00Z"))).toBe("queued");
    expect(jobDisplayState({ ...running, state: "SUCCEEDED" }, new Date("2026-12-04T11:00:00Z"))).toBe("succeeded");
  });
});
