import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkModelAgainstManifest, inspectModel, resolveManifest } from "../../lib/models/check-model";
import { runInSandbox, sandboxOccupancy } from "../../lib/models/model-sandbox";
import type { DryRunResult } from "../../lib/models/sandbox-protocol";
import { endlessLoopEncoder, meanColourEncoder, meanColourManifest } from "../helpers/onnx-encoders";

// Heavy work a participant can start: on today's main three uploads' dry runs ran at once, each allowed the whole
// model memory limit. Model processes now wait for one of PODIUM_MAX_SANDBOXES slots.

describe("model sandboxes", () => {
  const scratch = mkdtempSync(join(tmpdir(), "podium-sandbox-limits-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const prepared = (bytes: Uint8Array) => {
    const manifest = resolveManifest(inspectModel(bytes), meanColourManifest as Record<string, unknown>);
    checkModelAgainstManifest(inspectModel(bytes), manifest);
    const path = join(scratch, `${Math.random().toString(36).slice(2)}.onnx`);
    writeFileSync(path, bytes);
    return { kind: "dry-run" as const, modelPath: path, manifest };
  };

  it("runs at most the configured number at once; the others wait, then run", async () => {
    const limits = { timeoutMs: 3_000, memoryLimitBytes: 1024 * 1024 * 1024 };
    // Three uploads at once: the first hangs (an endless Loop, ended at its time limit), two valid ones wait.
    const hanging = runInSandbox<DryRunResult>(prepared(endlessLoopEncoder()), limits, { maxConcurrent: 1 });
    const second = runInSandbox<DryRunResult>(prepared(meanColourEncoder()), limits, { maxConcurrent: 1 });
    const third = runInSandbox<DryRunResult>(prepared(meanColourEncoder()), limits, { maxConcurrent: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sandboxOccupancy()).toEqual({ running: 1, waiting: 2 });
    await expect(hanging.result).rejects.toThrow(/time limit/);
    await expect(second.result).resolves.toMatchObject({ dimension: expect.any(Number) });
    await expect(third.result).resolves.toMatchObject({ dimension: expect.any(Number) });
    expect(sandboxOccupancy()).toEqual({ running: 0, waiting: 0 });
  });

  it("gives a cancelled run's slot back without starting it", async () => {
    const limits = { timeoutMs: 3_000, memoryLimitBytes: 1024 * 1024 * 1024 };
    const first = runInSandbox<DryRunResult>(prepared(meanColourEncoder()), limits, { maxConcurrent: 1 });
    const cancelled = runInSandbox<DryRunResult>(prepared(meanColourEncoder()), limits, { maxConcurrent: 1 });
    cancelled.kill();
    await first.result;
    await expect(cancelled.result).rejects.toThrow(/cancelled before it started/);
    expect(sandboxOccupancy()).toEqual({ running: 0, waiting: 0 });
  });
});
