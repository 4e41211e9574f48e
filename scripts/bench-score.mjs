// npm run bench:score [-- --queries 100000 --runs 5 --dir DIR]
// Times `podium score` on a generated 100,000-query results file (10 entries each) with its ground truth and
// gallery list, as whole processes, against the floor: a bare `JSON.parse` of the same two files in node.
// Also times a plain Python reference scorer (no validation, no interval) when python3 is present.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { queries: { type: "string", default: "100000" }, runs: { type: "string", default: "5" }, dir: { type: "string" } } });
const queryCount = Number(values.queries);
const runs = Number(values.runs);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), "podium-bench-score-"));
mkdirSync(dir, { recursive: true });

const hex = (text) => createHash("md5").update(text).digest("hex");
const files = { submission: join(dir, "submission.json"), truth: join(dir, "ground_truth.json"), gallery: join(dir, "gallery.txt") };

if (!existsSync(files.submission)) {
  // Like the real contest: opaque 32-hex names, about one gallery file per query plus distractors.
  const galleryCount = Math.round(queryCount * 1.05);
  const gallery = Array.from({ length: galleryCount }, (_, i) => `${hex(`g${i}`)}.jpg`);
  const truth = {};
  const submission = {};
  let state = 12345;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let q = 0; q < queryCount; q++) {
    const name = `${hex(`q${q}`)}.jpg`;
    const matches = [gallery[q]];
    if (q % 10 === 0) matches.push(gallery[queryCount + (q % (galleryCount - queryCount))]);
    truth[name] = matches;
    const list = [];
    while (list.length < 10) {
      const candidate = gallery[Math.floor(random() * galleryCount)];
      if (!list.includes(candidate) && !matches.includes(candidate)) list.push(candidate);
    }
    const rank = Math.floor(random() * 14); // 0..9 → hit at that position, else none
    if (rank < 10) list[rank] = matches[0];
    submission[name] = list;
  }
  writeFileSync(files.submission, JSON.stringify(submission));
  writeFileSync(files.truth, JSON.stringify(truth));
  writeFileSync(files.gallery, gallery.join("\n"));
}

const pythonReference = `
import json, sys
sub = json.load(open(sys.argv[1])); truth = json.load(open(sys.argv[2]))
w = {1: 600, 5: 300, 10: 100}; total = 0.0; n = 0
for q, t in truth.items():
    if not t: continue
    n += 1; lst = sub.get(q, []); ts = set(t)
    for k, v in w.items():
        if any(g in ts for g in lst[:k]): total += v
print(json.dumps({"score": total / n}))
`;

function timeCommand(command, args) {
  const times = [];
  let output = "";
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
    times.push(seconds);
    output = result.stdout.trim();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], best: times[0], output };
}

const floorScript = `const fs=require("fs");JSON.parse(fs.readFileSync(process.argv[1],"utf8"));JSON.parse(fs.readFileSync(process.argv[2],"utf8"));`;
const floor = timeCommand(process.execPath, ["-e", floorScript, files.submission, files.truth]);
const podium = timeCommand(process.execPath, ["bin/podium.mjs", "score", "--truth", files.truth, "--gallery", files.gallery, files.submission]);
const hasPython = spawnSync("python3", ["--version"]).status === 0;
const python = hasPython ? timeCommand("python3", ["-c", pythonReference, files.submission, files.truth]) : null;

const mb = (path) => (statSync(path).size / 1e6).toFixed(1);
const podiumScore = JSON.parse(podium.output).score;
console.log(`bench:score — ${queryCount.toLocaleString("en")} queries × 10 entries; submission ${mb(files.submission)} MB, truth ${mb(files.truth)} MB; median of ${runs} runs (best in brackets)`);
console.log(`  floor: node JSON.parse of both files   ${floor.median.toFixed(3)} s  (${floor.best.toFixed(3)})`);
console.log(`  podium score (validate, score, 3 splits, 1,000-resample interval)   ${podium.median.toFixed(3)} s  (${podium.best.toFixed(3)})  = ${(podium.median / floor.median).toFixed(2)}× floor`);
if (python) {
  const same = Math.abs(JSON.parse(python.output).score - podiumScore) < 1e-6;
  console.log(`  python reference (no validation, no interval)   ${python.median.toFixed(3)} s  (${python.best.toFixed(3)})  = ${(python.median / floor.median).toFixed(2)}× floor; same score: ${same}`);
}
console.log(`  score ${podiumScore.toFixed(2)}; files in ${dir}`);

