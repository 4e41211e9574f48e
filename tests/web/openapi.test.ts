import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/api/openapi";

/** Every route.ts under app/api/v1, as an OpenAPI path with its exported methods. */
function apiRoutes(dir = join(process.cwd(), "app", "api", "v1")): { path: string; file: string }[] {
  const routes: { path: string; file: string }[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) routes.push(...apiRoutes(full));
    else if (name === "route.ts") {
      const path = `/${relative(join(process.cwd(), "app"), dir).split(sep).join("/")}`.replace(/\[(\w+)\]/g, "{$1}");
      routes.push({ path, file: full });
    }
  }
  return routes;
}

describe("the OpenAPI document", () => {
  it("describes every route under /api/v1 and nothing that does not exist", () => {
    const document = openApiDocument("http://localhost:3000");
    const documented = Object.keys(document.paths).sort();
    const existing = apiRoutes()
      .map((route) => route.path)
      .filter((path) => path !== "/api/v1/openapi.json")
      .sort();
    expect(documented).toEqual(existing);
    expect(document.openapi).toBe("3.1.0");
  });
});
