import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sweepTemporaryFiles, TEMPORARY_FILE_GRACE_MS } from "./sweep-temporary-files";

describe("sweepTemporaryFiles", () => {
  const root = mkdtempSync(join(tmpdir(), "podium-sweep-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("removes temporary files a killed process left, and keeps fresh ones a live writer may own", async () => {
    mkdirSync(join(root, "tmp"), { recursive: true });
    const old = join(root, "tmp", randomUUID());
    const fresh = join(root, "tmp", randomUUID());
    const scratch = mkdtempSync(join(tmpdir(), "podium-model-check-"));
    writeFileSync(old, "half a blob");
    writeFileSync(fresh, "being written");
    writeFileSync(join(scratch, "model.onnx"), "x");
    const longAgo = (Date.now() - TEMPORARY_FILE_GRACE_MS - 60_000) / 1000;
    utimesSync(old, longAgo, longAgo);
    utimesSync(scratch, longAgo, longAgo);
    expect(await sweepTemporaryFiles({ folderStoreRoot: root })).toBeGreaterThanOrEqual(2);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(scratch)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });
});
