import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

// Every door into the web tier, read from the files on disk rather than from a hand-kept list, so a route, page or
// server action added later cannot be left out of the authorization matrix (or the OpenAPI document).

const APP = join(process.cwd(), "app");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function filesNamed(dir: string, accept: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...filesNamed(full, accept));
    else if (accept(name)) found.push(full);
  }
  return found;
}

/** `/c/[slug]/submissions/[id]` → `/c/{slug}/submissions/{id}`; route groups such as `(auth)` leave no segment. */
function urlPathOf(dir: string): string {
  const segments = relative(APP, dir)
    .split(sep)
    .filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment))
    .map((segment) => segment.replace(/^\[(\.\.\.)?(\w+)\]$/, (_, rest: string | undefined, name: string) => `{${rest ?? ""}${name}}`));
  return `/${segments.join("/")}`;
}

/** The HTTP methods a route.ts exports, in any of the forms used here. */
export function exportedMethods(source: string): string[] {
  const methods = new Set<string>();
  for (const match of source.matchAll(/export\s+(?:const|async\s+function|function)\s+([A-Z]+)\b/g)) methods.add(match[1]!);
  for (const match of source.matchAll(/export\s+(?:const\s+)?\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(",")) {
      const name = part.split(/\s+as\s+/).pop()!.trim();
      if (name) methods.add(name);
    }
  }
  return [...methods].filter((method) => (HTTP_METHODS as readonly string[]).includes(method)).sort();
}

export interface RouteDoor {
  /** "GET /api/v1/competitions/{slug}" */
  key: string;
  method: string;
  path: string;
  file: string;
}

/** Every method of every route handler under app/. */
export function routeDoors(): RouteDoor[] {
  return filesNamed(APP, (name) => name === "route.ts").flatMap((file) => {
    const path = urlPathOf(join(file, ".."));
    return exportedMethods(readFileSync(file, "utf8")).map((method) => ({ key: `${method} ${path}`, method, path, file }));
  });
}

/** Every page under app/, as its URL pattern. */
export function pageDoors(): string[] {
  return filesNamed(APP, (name) => name === "page.tsx").map((file) => urlPathOf(join(file, "..")));
}

/** Every exported function of every "use server" module (server actions), wherever it lives. */
export function serverActionDoors(): string[] {
  const roots = [APP, join(process.cwd(), "server"), join(process.cwd(), "components"), join(process.cwd(), "lib")];
  const names: string[] = [];
  for (const root of roots) {
    for (const file of filesNamed(root, (name) => /\.(ts|tsx)$/.test(name))) {
      const source = readFileSync(file, "utf8");
      if (!/^\s*(["'])use server\1/.test(source.replace(/^(\s*\/\/.*\n|\s*\/\*[\s\S]*?\*\/)*/, ""))) continue;
      for (const match of source.matchAll(/export\s+async\s+function\s+(\w+)/g)) names.push(match[1]!);
    }
  }
  return names.sort();
}
