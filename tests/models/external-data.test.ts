import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localWakeUp } from "../../lib/queue/wake-up";
import { submitModelBytes, type ModelCheckSettings } from "../../lib/submissions/submit-model";
import { tarArchive, zipArchive } from "../helpers/archives";
import { expectedScore, externalDataEncoder, meanColourManifest } from "../helpers/onnx-encoders";
import { modelContest, type ModelContest } from "../helpers/model-contest";

// Models with external data (issue 14): towers over protobuf's 2 GiB (ViT-H, ViT-g in fp32) can only be exported with
// their weights in data files. On the main this started from such a model was refused ("keeps its data in an
// external file") and there was no way to send the files together. Now an .onnx and its data files travel as one
// .zip or .tar, unpacked on the worker under strict rules, and each reference is checked against the files.

const RANKS = [1, 1, 2, 4, 7];

describe("models with external data", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  const checks: ModelCheckSettings = { dryRun: { timeoutMs: 20_000, memoryLimitBytes: 1024 ** 3 }, wakeUp: localWakeUp() };
  let world: ModelContest;

  beforeAll(async () => {
    world = await modelContest(disposers, { slug: "external", ranks: RANKS });
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const submit = (fileName: string, bytes: Uint8Array) => submitModelBytes(world.database, world.store, world.team, "external", { bytes, fileName, manifest: meanColourManifest, channel: "API" }, checks);
  const refusal = async (fileName: string, bytes: Uint8Array) => {
    const outcome = await submit(fileName, bytes);
    expect(outcome.kind, JSON.stringify(outcome)).toBe("invalid");
    return outcome as { code: string; message: string };
  };

  it.each([
    ["a .tar of model.onnx and model.onnx.data", "model.tar", async () => {
      const { model, data } = externalDataEncoder({ padding: 4096 });
      return tarArchive([{ name: "model.onnx", data: Buffer.from(model) }, { name: "model.onnx.data", data }]);
    }],
    ["a .zip with both in a folder", "export.zip", async () => {
      const { model, data } = externalDataEncoder({ location: "weights/tower.bin" });
      return zipArchive([{ name: "export/tower.onnx", data: Buffer.from(model) }, { name: "export/weights/tower.bin", data }]);
    }],
  ] as const)("checks and scores %s exactly", async (_label, fileName, build) => {
    const outcome = await submit(fileName, await build());
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ kind: "queued", dimension: 3 });
    expect(await world.runScoringJob()).toBe(true);
    const scored = await world.database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId }, include: { scores: true } });
    expect(scored.status, scored.error ?? "").toBe("SCORED");
    expect(scored.scores.find((score) => score.split === "ALL")!.score).toBeCloseTo(expectedScore(RANKS), 9);
  });

  it("tells a team that sent the .onnx alone how to send its data file", async () => {
    const { model } = externalDataEncoder();
    const refused = await refusal("model.onnx", model);
    expect(refused.code).toBe("EXTERNAL_DATA");
    expect(refused.message).toBe("the model keeps tensor data in external files (model.onnx.data): send the .onnx together with them — a .zip or .tar holding all of them, or `podium submit MODEL.onnx --data model.onnx.data`");
  });

  it("refuses archives that reach outside the upload or do not hold what the model references", async () => {
    const { model, data } = externalDataEncoder();
    const onnx = { name: "model.onnx", data: Buffer.from(model) };
    const cases: [string, Promise<Buffer> | Buffer, RegExp][] = [
      ["a symlink to a server file", tarArchive([onnx, { name: "model.onnx.data", type: "symlink", linkname: "/etc/passwd" }]), /entry "model\.onnx\.data" is a symlink: only plain files are accepted/],
      ["a path that climbs out", tarArchive([onnx, { name: "../model.onnx.data", data }]), /entry "\.\.\/model\.onnx\.data" is not a plain relative path/],
      ["two models", tarArchive([onnx, { name: "other.onnx", data: Buffer.from(model) }, { name: "model.onnx.data", data }]), /holds 2 \.onnx files \(model\.onnx, other\.onnx\); send exactly one/],
      ["no data file", tarArchive([onnx]), /tensor "scale" refers to "model\.onnx\.data", which is not in the upload \(it holds model\.onnx\)/],
      ["a data file too short", tarArchive([onnx, { name: "model.onnx.data", data: data.subarray(0, 8) }]), /refers to "model\.onnx\.data" at bytes 0–12, beyond the file's 8 bytes/],
      ["no model at all", tarArchive([{ name: "model.onnx.data", data }]), /the archive holds no \.onnx file/],
      ["thousands of files (inodes on the worker)", tarArchive([onnx, { name: "model.onnx.data", data }, ...Array.from({ length: 3000 }, (_, i) => ({ name: `pad/${i}.bin`, data: Buffer.alloc(0) }))]), /the archive holds more than 1000 files: send the \.onnx and the data files it references/],
      ["a location outside the upload", tarArchive([{ name: "model.onnx", data: Buffer.from(externalDataEncoder({ location: "/etc/passwd" }).model) }, { name: "model.onnx.data", data }]), /refers to "\/etc\/passwd": only plain relative locations inside the upload are allowed/],
    ];
    for (const [label, archive, message] of cases) {
      const refused = await refusal(`${label.replace(/\W+/g, "-")}.tar`, await archive);
      expect(refused.message, label).toMatch(message);
    }
    expect(await world.database.prisma.job.count({ where: { kind: "SCORE_MODEL", state: "QUEUED" } })).toBe(0);
  });
});
