import { isAppError } from "../lib/errors/app-error";
import { runDbMigrate, dbMigrateUsage } from "./commands/db-migrate";
import { runScore, scoreUsage } from "./commands/score";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface Command {
  summary: string;
  usage: string;
  run: (argv: string[], io: CliIO) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  score: { summary: "score a results file offline, exactly as the server does", usage: scoreUsage, run: runScore },
  "db migrate": { summary: "apply the committed database migrations", usage: dbMigrateUsage, run: runDbMigrate },
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
  if (found.rest.includes("--help") || found.rest.includes("-h")) {
    io.stdout(found.command.usage);
    return 0;
  }
  try {
    return await found.command.run(found.rest, io);
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
