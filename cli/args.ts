import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";
import { AppError } from "../lib/errors/app-error";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses a command's flags with node's parser, then validates them with the command's zod schema. */
export function parseCommandArgs<T extends z.ZodType>(argv: string[], options: Options, schema: T, usage: string): z.infer<T> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AppError("BAD_REQUEST", `${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
  const result = schema.safeParse({ ...parsed.values, positionals: parsed.positionals });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join(".");
      const flag = path === "positionals" || path.startsWith("positionals.") ? "arguments" : `--${path}`;
      return `${flag}: ${issue.message}`;
    });
    throw new AppError("BAD_REQUEST", `${problems.join("\n")}\n\n${usage}`);
  }
  return result.data;
}
