import { isAppError } from "../lib/errors/app-error";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CommandModule {
  usage: string;
  run: (argv: string[], io: CliIO) => Promise<number>;
}

interface Command {
  summary: string;
  /** Loaded on use, so `podium score` never pays for the database client. */
  load: () => Promise<CommandModule>;
}

const COMMANDS: Record<string, Command> = {
  score: { summary: "score a results file offline, exactly as the server does", load: () => import("./commands/score") },
  "db migrate": { summary: "apply the committed database migrations", load: () => import("./commands/db-migrate") },
  admin: { summary: "server-side: create users, issue API tokens", load: () => import("./commands/admin") },
  login: { summary: "store a server URL and API token for later commands", load: () => import("./commands/login") },
  competition: { summary: "create, update and show competitions", load: () => import("./commands/competition") },
  dataset: { summary: "upload, list and activate hidden dataset versions", load: () => import("./commands/dataset") },
  team: { summary: "create, join and show your team; create, list and revoke its tokens", load: () => import("./commands/team") },
  submit: { summary: "submit a results file or an ONNX model for your team", load: () => import("./commands/submit") },
  submissions: { summary: "list your team's submissions", load: () => import("./commands/submissions") },
  status: { summary: "one submission: status, model job progress or queue place, scores", load: () => import("./commands/status") },
  leaderboard: { summary: "print a competition's leaderboard", load: () => import("./commands/leaderboard") },
  rehearse: { summary: "play a whole contest in minutes against a server, and check every entry", load: () => import("./commands/rehearse") },
};

export const mainUsage = `Podium — submission and judging for top-k image retrieval contests

Usage: podium <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(14)} ${command.summary}`)
  .join("\n")}

Run "podium <command> --help" for a command's options.`;

function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const command = COMMANDS[name];
    if (command && argv.length >= words) return { command, rest: argv.slice(words) };
  }
  return null;
}

/** Runs one CLI invocation and returns its exit status; the one place where errors become messages and codes. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout(mainUsage);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr(`podium: unknown command "${argv.join(" ")}"\n\n${mainUsage}`);
    return 2;
  }
  try {
    const command = await found.command.load();
    if (found.rest.includes("--help") || found.rest.includes("-h")) {
      io.stdout(command.usage);
      return 0;
    }
    return await command.run(found.rest, io);
  } catch (error) {
    if (isAppError(error)) {
      io.stderr(`podium: ${error.message}`);
      return error.exitCode;
    }
    io.stderr(`podium: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 10;
  }
}

export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  });
  process.exitCode = code;
}
