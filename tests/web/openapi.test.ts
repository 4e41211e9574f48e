import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/api/openapi";
import { routeDoors } from "../helpers/doors-on-disk";

describe("the OpenAPI document", () => {
  it("describes every route and method under /api/v1 and nothing that does not exist", () => {
    const document = openApiDocument("http://localhost:3000");
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const existing = routeDoors()
      .filter((door) => door.path.startsWith("/api/v1/") && door.path !== "/api/v1/openapi.json")
      .map((door) => door.key)
      .sort();
    expect(documented).toEqual(existing);
    expect(document.openapi).toBe("3.1.0");
  });
});
