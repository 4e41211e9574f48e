import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBaselineEncoders } from "../../lib/demo/baseline-encoders";
import { buildDemoDataset } from "../../lib/demo/build-demo-dataset";
import { AppError } from "../../lib/errors/app-error";
import { apiError } from "../api-client";
import { buildScoringIndex, scoreSubmission, type ScoringIndex, type ScoringRules } from "../../lib/scoring";
import type { LeaderboardRow } from "../../lib/leaderboards/rank-teams";
import { writeCliConfig } from "../config-file";
import { fromCliRun, http, runPodium, submitThroughDoor, type DoorAnswer, type DoorContext, type HttpAnswer, type Participant } from "./doors";
import { planRehearsal, pickTimeZone, rehearsalDatasetOptions, type PlannedTeam, type RehearsalSettings } from "./plan";
import { tallyAttempts, type ModelTiming, type RehearsalReport } from "./report";
import { invalidResultsBytes, resultsBytes, skilledResults } from "./results-files";
import { verifyRehearsal, type Attempt, type BoardSnapshot, type ServerEntry, type SplitScores } from "./verify";

// `podium rehearse`: a whole contest in minutes against a running Podium, through its public API and an admin
// token only. Set-up (dataset, competition, accounts, teams) comes first and is not timed as the contest; then the
// schedule starts, every team plays its plan (plan.ts), the board freezes, the end comes, the board is revealed,
// and everything acknowledged is checked against the server (verify.ts).

export interface RehearsalOptions extends RehearsalSettings {
  server: string;
  token: string;
  workDir: string;
  /** How to run `podium` in its own process (the CLI door, models, the dataset upload). */
  podium: { node: string; script: string };
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, Math.max(0, ms)));
const sleepUntil = (instant: number) => sleep(instant - Date.now());
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
/** A set-up step's answer, or the error (the server's, as the CLI reads it) that ends the rehearsal before it starts. */
function must<T>(answer: HttpAnswer, what: string): T {
  if (answer.status >= 200 && answer.status < 300) return answer.json as T;
  const error = answer.status === 0 ? new AppError("UNAVAILABLE", answer.text) : apiError(answer.status, answer.json, answer.text);
  throw new AppError(error.code, `${what} failed (HTTP ${answer.status}): ${error.message}`);
}

interface Team {
  plan: PlannedTeam;
  name: string;
  members: Participant[];
  teamToken: string;
  accepted: number;
}

interface PreparedFile {
  bytes: Uint8Array<ArrayBuffer>;
  expected: SplitScores | null;
}

function scoresOf(bytes: Uint8Array, index: ScoringIndex, rules: ScoringRules): SplitScores | null {
  const scored = scoreSubmission(bytes, index, rules);
  if (!scored.ok) return null;
  const { all, public: pub, private: priv } = scored.value.splits;
  return { all: all.score, public: pub.score, private: priv.score };
}

export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalReport> {
  const { server } = options;
  const setupStarted = Date.now();
  // Each line says when it happened, in seconds since the rehearsal began.
  const log = (line: string) => options.log(`[${((Date.now() - setupStarted) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const admin = options.token;
  const serverErrors: string[] = [];
  /** A request whose failure is a finding, not the end of the rehearsal. */
  const observe = async (what: string, answer: Promise<HttpAnswer>, expect = (status: number) => status === 200) => {
    const got = await answer;
    if (!expect(got.status)) serverErrors.push(`${what} answered ${got.status === 0 ? "nothing" : `HTTP ${got.status}`}: ${got.text.slice(0, 200)}`);
    return got;
  };

  const me = must<{ email: string; isAdmin: boolean }>(await http(server, "GET", "/api/v1/me", { token: admin }), "checking the token (GET /api/v1/me)");
  if (!me.isAdmin) throw new AppError("FORBIDDEN", `${me.email} is not an admin: podium rehearse needs an admin token (podium admin token --email ADMIN)`);

  const plan = planRehearsal(options);
  const timeZone = pickTimeZone(new Date(), options.durationSeconds + 600, options.seed);
  const slug = `rehearsal-${Date.now().toString(36)}`;
  const duration = options.durationSeconds * 1000;
  mkdirSync(options.workDir, { recursive: true });
  const context: DoorContext = { server, slug, podium: options.podium, workDir: options.workDir };

  // The dataset: the demo's generator at the contest's shape, from the seed.
  log(`generating the dataset (${options.queries} queries) from seed "${options.seed}" …`);
  const generateStarted = Date.now();
  // A folder, which podium dataset upload packs as a .tar.gz (read by the validator in one stream, as organizers
  // most often send theirs).
  const datasetDir = join(options.workDir, "dataset");
  const dataset = await buildDemoDataset({ ...rehearsalDatasetOptions(options), outDir: datasetDir });
  const generateSeconds = (Date.now() - generateStarted) / 1000;
  const built = buildScoringIndex({ queries: dataset.queries, gallery: dataset.gallery, truth: new Map(Object.entries(dataset.truth)) });
  if (!built.ok) throw new Error(`the generated dataset cannot be scored: ${built.error.join("; ")}`);
  const index = built.value;
  const rules: ScoringRules = { split: { publicFraction: plan.publicFraction, seed: plan.splitSeed } };

  // The competition, unlisted, with a schedule set once everything is ready.
  log(`creating the rehearsal competition ${slug} (${timeZone}) …`);
  must(
    await http(server, "POST", "/api/v1/competitions", {
      token: admin,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        slug,
        title: `Rehearsal ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
        rehearsal: true,
        description: `A rehearsal made by podium rehearse: ${options.teams} teams, ${options.durationSeconds} s, seed "${options.seed}".`,
        timeZone,
        publicFraction: plan.publicFraction,
        splitSeed: plan.splitSeed,
        dailyLimit: plan.dailyLimit,
        finalSelectionLimit: plan.finalSelectionLimit,
        legacyEndpoint: "token",
        leaderboard: "frozen",
        submissionKinds: "results,model",
        teamSize: 3,
        registrationOpen: true,
      }),
    }),
    "creating the competition",
  );
  const adminConfig = join(options.workDir, "members", "organizer");
  writeCliConfig({ server, token: admin }, { ...process.env, PODIUM_CONFIG_DIR: adminConfig });
  log("uploading and validating the dataset with podium dataset upload …");
  const uploadStarted = Date.now();
  const uploaded = await runPodium(context, { configDir: adminConfig }, ["dataset", "upload", "--competition", slug, datasetDir, "--activate"]);
  if (uploaded.code !== 0) throw new AppError("UNAVAILABLE", `podium dataset upload failed (exit ${uploaded.code}):\n${uploaded.stdout}${uploaded.stderr}`);
  const uploadSeconds = (Date.now() - uploadStarted) / 1000;

  // Accounts, teams, invite codes, team tokens.
  log(`registering ${options.teams} teams …`);
  const names = plan.teams.flatMap((team) => [`t${team.index + 1}-a`, ...(team.secondMember ? [`t${team.index + 1}-b`] : [])]);
  const { accounts } = must<{ accounts: { name: string; token: string }[] }>(
    await http(server, "POST", `/api/v1/competitions/${slug}/rehearsal/accounts`, { token: admin, headers: { "content-type": "application/json" }, body: JSON.stringify({ names }) }),
    "creating the rehearsal's accounts",
  );
  const member = (name: string): Participant => {
    const account = accounts.find((candidate) => candidate.name === name);
    if (!account) throw new Error(`the server made no account ${name}`);
    const configDir = join(options.workDir, "members", name);
    writeCliConfig({ server, token: account.token }, { ...process.env, PODIUM_CONFIG_DIR: configDir });
    return { token: account.token, configDir };
  };
  const teams: Team[] = [];
  for (const planned of plan.teams) teams.push(await registerTeam(context, planned, member, slug));

  // Every file prepared before the start, so the contest's minutes are spent sending.
  log("preparing results files and models …");
  const files = new Map<string, PreparedFile>();
  for (const team of teams) {
    const entries = team.plan.actions.filter((action) => action.kind === "entry").length;
    for (const action of team.plan.actions) {
      const key = `${team.plan.index}/${action.kind}/${"entry" in action ? action.entry : action.at}`;
      if (action.kind !== "entry" && action.kind !== "invalid" && action.kind !== "over-quota") continue;
      const progress = action.kind === "entry" ? action.entry / Math.max(1, entries - 1) : 0.5;
      const results = skilledResults(dataset, Math.min(0.98, team.plan.skill * (0.8 + 0.25 * progress)), `${options.seed}/${key}`);
      if (action.kind === "invalid") files.set(key, { bytes: invalidResultsBytes(results, action.problem), expected: null });
      else {
        const bytes = resultsBytes(results, action.door === "legacy" ? "legacy-body" : "plain-map", team.name);
        files.set(key, { bytes, expected: scoresOf(bytes, index, rules) });
      }
    }
  }
  const encoders = buildBaselineEncoders();
  const modelPaths = encoders.map((encoder) => {
    const path = join(options.workDir, `${encoder.name}.onnx`);
    writeFileSync(path, encoder.model);
    return path;
  });

  // The schedule: start now, freeze at 70 %, end at 100 %.
  const startsAt = Date.now() + 3000;
  const freezeAt = startsAt + Math.round(plan.freezeAt * duration);
  const endsAt = startsAt + duration;
  must(
    await http(server, "PATCH", `/api/v1/competitions/${slug}`, { token: admin, headers: { "content-type": "application/json" }, body: JSON.stringify({ startsAt: new Date(startsAt).toISOString(), freezeAt: new Date(freezeAt).toISOString(), endsAt: new Date(endsAt).toISOString() }) }),
    "setting the schedule",
  );
  const setupSeconds = (Date.now() - setupStarted) / 1000;
  log(`set up in ${setupSeconds.toFixed(1)} s; the contest runs from ${new Date(startsAt).toISOString()} to ${new Date(endsAt).toISOString()} (freeze at ${new Date(freezeAt).toISOString()})`);

  const attempts: Attempt[] = [];
  let seq = 0;
  const record = (attempt: Omit<Attempt, "seq">) => {
    const full = { ...attempt, seq: ++seq };
    attempts.push(full);
    return full;
  };
  const modelEntries: { team: string; submissionId: string }[] = [];

  const playTeam = async (team: Team) => {
    for (const action of team.plan.actions) {
      await sleepUntil(startsAt + action.at * 1000);
      const who = team.members[("entry" in action ? action.entry : 0) % team.members.length]!;
      const sentAt = Date.now();
      if (action.kind === "entry" || action.kind === "invalid" || action.kind === "over-quota") {
        const file = files.get(`${team.plan.index}/${action.kind}/${"entry" in action ? action.entry : action.at}`)!;
        const answer = await submitThroughDoor(context, action.door, who, { name: team.name, teamToken: team.teamToken }, file.bytes, `${team.name} ${action.kind} ${seq + 1}`);
        record({ team: team.name, kind: action.kind, door: action.door, sentAt, answeredAt: Date.now(), answer, sha256: sha256(file.bytes), expected: file.expected, acceptedBefore: team.accepted });
        if (answer.accepted) team.accepted += 1;
      } else if (action.kind === "model") {
        const run = await runPodium(context, who, ["submit", "--competition", slug, modelPaths[action.encoder]!, "--name", `${team.name} ${encoders[action.encoder]!.name}`]);
        const answer = fromCliRun(run);
        record({ team: team.name, kind: "model", door: "model", sentAt, answeredAt: Date.now(), answer, sha256: null, expected: null, acceptedBefore: team.accepted });
        if (answer.accepted) {
          team.accepted += 1;
          if (answer.submissionId) modelEntries.push({ team: team.name, submissionId: answer.submissionId });
        }
      } else {
        const selection = await selectFinals(context, team, action.count);
        if (selection) record({ team: team.name, kind: "select-finals", door: "api", sentAt, ...selection, sha256: null, expected: null, acceptedBefore: team.accepted });
      }
    }
  };

  // Readers beside the teams: the public board through the freeze, the model queue, the pages.
  const frozenBoards: BoardSnapshot[] = [];
  const watchFreeze = async () => {
    const reader = teams[0]!.members[0]!;
    const every = Math.max(2000, duration / 30);
    for (let at = freezeAt + 1000; at < endsAt - 500; at += every) {
      await sleepUntil(at);
      const answer = await observe("the public board during the freeze", http(server, "GET", `/api/v1/competitions/${slug}/leaderboard?board=public`, { token: reader.token }));
      const board = answer.json as { frozenAt: string | null; rows: LeaderboardRow[] } | null;
      if (answer.status !== 200 || !board) continue;
      if (!board.frozenAt) serverErrors.push(`the public board was not frozen for participants at ${new Date().toISOString()}`);
      frozenBoards.push({ at: Date.now(), rows: board.rows.map(({ rank, team, score, entries }) => ({ rank, team, score, entries })) });
    }
  };
  const jobTimes = new Map<string, { createdAt: string; startedAt: string | null; finishedAt: string | null }>();
  let watchingJobs = true;
  const watchJobs = async () => {
    while (watchingJobs) {
      const answer = await http(server, "GET", `/api/v1/competitions/${slug}/admin/jobs`, { token: admin });
      const queue = answer.json as { running: QueueJobView[]; queued: QueueJobView[]; recent: QueueJobView[] } | null;
      if (answer.status === 200 && queue) {
        for (const job of [...queue.queued, ...queue.running, ...queue.recent]) {
          if (job.kind === "score model" && job.submissionId) jobTimes.set(job.submissionId, { createdAt: job.createdAt, startedAt: job.startedAt, finishedAt: job.finishedAt });
        }
      }
      await sleep(1000);
    }
  };
  const checkPages = async () => {
    for (const fraction of [0.1, 0.75]) {
      await sleepUntil(startsAt + fraction * duration);
      for (const page of ["", "/data", "/leaderboard"]) await observe(`the page /c/${slug}${page}`, http(server, "GET", `/c/${slug}${page}`));
      await observe("the competition's API", http(server, "GET", `/api/v1/competitions/${slug}`));
    }
  };

  const narrate = async () => {
    for (const [fraction, what] of [[0.25, "a quarter through"], [0.5, "half-way"], [plan.freezeAt, "the board freezes"], [plan.burstFrom, "the last 10 %: every team's burst"]] as const) {
      await sleepUntil(startsAt + fraction * duration);
      const accepted = attempts.filter((attempt) => attempt.answer.accepted && (attempt.kind === "entry" || attempt.kind === "model")).length;
      log(`${what}: ${accepted} entries accepted, ${attempts.filter((attempt) => !attempt.answer.accepted).length} refused so far`);
    }
  };

  log("the contest is on");
  const jobsWatcher = watchJobs();
  await Promise.all([...teams.map(playTeam), watchFreeze(), checkPages(), narrate()]);

  // After the end: entries and selections refused.
  await sleepUntil(endsAt + 500);
  log("the contest has ended; trying entries and a selection after the end …");
  for (const { team: index, door } of plan.afterEnd) {
    const team = teams[index]!;
    const bytes = resultsBytes(skilledResults(dataset, team.plan.skill, `${options.seed}/after-end/${index}`), door === "legacy" ? "legacy-body" : "plain-map", team.name);
    const sentAt = Date.now();
    const answer = await submitThroughDoor(context, door, team.members[0]!, { name: team.name, teamToken: team.teamToken }, bytes, `${team.name} after the end`);
    record({ team: team.name, kind: "after-end", door, sentAt, answeredAt: Date.now(), answer, sha256: sha256(bytes), expected: null, acceptedBefore: team.accepted });
  }
  const lateSelector = teams[0]!;
  const lateList = await http(server, "GET", `/api/v1/competitions/${slug}/submissions`, { token: lateSelector.members[0]!.token });
  const lateTarget = (lateList.json as { submissions?: { id: string; status: string }[] } | null)?.submissions?.find((entry) => entry.status === "scored");
  if (lateTarget) {
    const sentAt = Date.now();
    const answer = await http(server, "PATCH", `/api/v1/competitions/${slug}/submissions/${lateTarget.id}`, { token: lateSelector.members[0]!.token, headers: { "content-type": "application/json" }, body: JSON.stringify({ selectedForFinal: true }) });
    record({ team: lateSelector.name, kind: "select-after-end", door: "api", sentAt, answeredAt: Date.now(), answer: { status: answer.status, accepted: answer.status === 200, submissionId: lateTarget.id, shownPublic: null, message: answer.text.slice(0, 200) }, sha256: null, expected: null, acceptedBefore: lateSelector.accepted });
  }

  // The queue drains, then the reveal.
  log("waiting for the model queue to drain …");
  const drainDeadline = Date.now() + 15 * 60 * 1000;
  let jobsLeft: { id: string; kind: string; state: string }[] = [];
  for (;;) {
    const answer = await http(server, "GET", `/api/v1/competitions/${slug}/admin/jobs`, { token: admin });
    const queue = answer.json as { running: QueueJobView[]; queued: QueueJobView[] } | null;
    jobsLeft = queue ? [...queue.running, ...queue.queued].map((job) => ({ id: job.id, kind: job.kind, state: job.state })) : [];
    if ((answer.status === 200 && jobsLeft.length === 0) || Date.now() > drainDeadline) break;
    await sleep(1000);
  }
  watchingJobs = false;
  await jobsWatcher;
  const reveal = await observe("revealing the private board", http(server, "POST", `/api/v1/competitions/${slug}/reveal`, { token: admin, headers: { "content-type": "application/json" }, body: JSON.stringify({ confirm: true }) }));
  const revealedAt = reveal.status === 200 ? Date.now() : null;
  log(revealedAt ? `private board revealed ${((revealedAt - endsAt) / 1000).toFixed(1)} s after the end` : "the reveal failed");

  // What the server holds now.
  log("collecting the server's record …");
  const serverEntries = await listServerEntries(server, admin, slug);
  for (const entry of serverEntries.filter((candidate) => candidate.channel === "legacy")) {
    const answer = await observe(`entry ${entry.id}`, http(server, "GET", `/api/v1/competitions/${slug}/submissions/${entry.id}`, { token: admin }));
    entry.sha256 = (answer.json as { submission?: { sha256?: string } } | null)?.submission?.sha256;
  }
  for (const attempt of attempts.filter((candidate) => candidate.kind === "model" && candidate.answer.submissionId)) {
    const answer = await fetch(new URL(`/api/v1/competitions/${slug}/submissions/${attempt.answer.submissionId}/results`, server), { headers: { authorization: `Bearer ${admin}` } }).catch(() => null);
    if (answer?.ok) attempt.expected = scoresOf(new Uint8Array(await answer.arrayBuffer()), index, rules);
  }
  const quotaUsed = new Map<string, number>();
  for (const team of teams) {
    const answer = await observe(`${team.name}'s team page`, http(server, "GET", `/api/v1/competitions/${slug}/team`, { token: team.members[0]!.token }));
    const used = (answer.json as { quota?: { usedToday?: number } } | null)?.quota?.usedToday;
    if (typeof used === "number") quotaUsed.set(team.name, used);
  }
  const revealed = await observe("the revealed private board", http(server, "GET", `/api/v1/competitions/${slug}/leaderboard?board=private`, { token: teams.at(-1)!.members[0]!.token }));
  const revealedBoard = revealed.status === 200 ? (revealed.json as { rows: LeaderboardRow[] }).rows : null;

  const discrepancies = verifyRehearsal({ dailyLimit: plan.dailyLimit, finalSelectionLimit: plan.finalSelectionLimit, startsAt, freezeAt, endsAt, attempts, serverEntries, quotaUsed, frozenBoards, revealedBoard, jobsLeft, serverErrors });
  const models: ModelTiming[] = modelEntries.map(({ team, submissionId }) => {
    const times = jobTimes.get(submissionId);
    const at = (value: string | null | undefined) => (value ? Date.parse(value) : null);
    const created = at(times?.createdAt);
    const started = at(times?.startedAt);
    const finished = at(times?.finishedAt);
    return { team, submissionId, queueWaitSeconds: created !== null && started !== null ? (started - created) / 1000 : null, runSeconds: started !== null && finished !== null ? (finished - started) / 1000 : null };
  });
  return {
    ok: discrepancies.length === 0,
    server,
    competition: slug,
    timeZone,
    settings: { teams: options.teams, durationSeconds: options.durationSeconds, models: options.models, queries: options.queries, seed: options.seed, dailyLimit: plan.dailyLimit, publicFraction: plan.publicFraction },
    schedule: { startsAt: new Date(startsAt).toISOString(), freezeAt: new Date(freezeAt).toISOString(), endsAt: new Date(endsAt).toISOString(), revealedAt: revealedAt ? new Date(revealedAt).toISOString() : null },
    dataset: { queries: dataset.queries.length, gallery: dataset.gallery.length, generateSeconds, uploadSeconds },
    setupSeconds,
    ...tallyAttempts(attempts),
    models,
    endToRevealSeconds: revealedAt ? (revealedAt - endsAt) / 1000 : null,
    frozenBoardChecks: frozenBoards.length,
    discrepancies,
  };
}

interface QueueJobView {
  id: string;
  kind: string;
  state: string;
  submissionId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

async function registerTeam(context: DoorContext, planned: PlannedTeam, member: (name: string) => Participant, slug: string): Promise<Team> {
  const { server } = context;
  const captain = member(`t${planned.index + 1}-a`);
  let inviteCode: string;
  if (planned.registersWith === "cli") {
    const run = await runPodium(context, captain, ["team", "create", "--competition", slug, planned.name]);
    const code = /join --competition \S+ (\S+)/.exec(run.stdout)?.[1];
    if (run.code !== 0 || !code) throw new AppError("UNAVAILABLE", `podium team create for ${planned.name} failed (exit ${run.code}): ${run.stderr}`);
    inviteCode = code;
  } else {
    inviteCode = must<{ inviteCode: string }>(await http(server, "POST", `/api/v1/competitions/${slug}/teams`, { token: captain.token, headers: { "content-type": "application/json" }, body: JSON.stringify({ name: planned.name }) }), `creating ${planned.name}`).inviteCode;
  }
  const members = [captain];
  if (planned.secondMember) {
    const second = member(`t${planned.index + 1}-b`);
    if (planned.registersWith === "cli") {
      const run = await runPodium(context, second, ["team", "join", "--competition", slug, "--", inviteCode]);
      if (run.code !== 0) throw new AppError("UNAVAILABLE", `podium team join for ${planned.name} failed (exit ${run.code}): ${run.stderr}`);
    } else {
      must(await http(server, "POST", `/api/v1/competitions/${slug}/teams/join`, { token: second.token, headers: { "content-type": "application/json" }, body: JSON.stringify({ code: inviteCode }) }), `joining ${planned.name}`);
    }
    members.push(second);
  }
  const { token: teamToken } = must<{ token: string }>(
    await http(server, "POST", `/api/v1/competitions/${slug}/team/tokens`, { token: captain.token, headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "original client" }) }),
    `a team token for ${planned.name}`,
  );
  return { plan: planned, name: planned.name, members, teamToken, accepted: 0 };
}

/** Selects the team's best entry by public score and, for two, its latest other scored one. */
async function selectFinals(context: DoorContext, team: Team, count: number): Promise<{ answeredAt: number; answer: DoorAnswer; selected: string[] } | null> {
  const token = team.members[0]!.token;
  const base = `/api/v1/competitions/${context.slug}/submissions`;
  const listed = await http(context.server, "GET", base, { token });
  const scored = ((listed.json as { submissions?: { id: string; status: string; createdAt: string; scores: { public?: { score: number } } }[] } | null)?.submissions ?? []).filter((entry) => entry.status === "scored");
  const best = [...scored].sort((a, b) => (b.scores.public?.score ?? 0) - (a.scores.public?.score ?? 0))[0];
  const latest = [...scored].filter((entry) => entry !== best).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const chosen = [best, ...(count > 1 ? [latest] : [])].filter((entry) => entry !== undefined).map((entry) => entry.id);
  // Nothing scored yet (its entries are models still in the queue): the team selects nothing, as a real one would.
  if (listed.status === 200 && chosen.length === 0) return null;
  let answer: DoorAnswer = { status: listed.status, accepted: listed.status === 200, submissionId: null, shownPublic: null, message: listed.status === 200 ? "" : listed.text.slice(0, 200) };
  const selected: string[] = [];
  for (const id of chosen) {
    const patched = await http(context.server, "PATCH", `${base}/${id}`, { token, headers: { "content-type": "application/json" }, body: JSON.stringify({ selectedForFinal: true }) });
    if (patched.status !== 200) {
      answer = { status: patched.status, accepted: false, submissionId: id, shownPublic: null, message: patched.text.slice(0, 200) };
      break;
    }
    selected.push(id);
  }
  return { answeredAt: Date.now(), answer, selected };
}

async function listServerEntries(server: string, token: string, slug: string): Promise<ServerEntry[]> {
  const entries: ServerEntry[] = [];
  for (let page = 1; ; page++) {
    const listed = must<{ submissions: ServerEntry[]; pageCount: number }>(await http(server, "GET", `/api/v1/competitions/${slug}/admin/submissions?page=${page}&pageSize=100`, { token }), "listing the entries");
    entries.push(...listed.submissions.map((entry) => ({ ...entry, team: (entry.team as unknown as { name: string }).name })));
    if (page >= listed.pageCount) return entries;
  }
}

