import { describe, expect, it } from "vitest";
import { isDatabaseUnreachable } from "./database-unreachable";

describe("isDatabaseUnreachable", () => {
  it("recognises a server that is down, restarting or closed the connection, however it is wrapped", () => {
    expect(isDatabaseUnreachable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    // Prisma with the pg adapter: the driver's error sits in meta.driverAdapterError.
    const prisma = Object.assign(new Error("Invalid `prisma.user.count()` invocation"), {
      code: "P2010",
      meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "postgres", originalCode: "57P01", message: "terminating connection due to administrator command" } } },
    });
    expect(isDatabaseUnreachable(prisma)).toBe(true);
    expect(isDatabaseUnreachable(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(isDatabaseUnreachable(new Error("Error", { cause: { code: "57P03", message: "the database system is starting up" } }))).toBe(true);
  });

  it("leaves bugs and refusals alone", () => {
    expect(isDatabaseUnreachable(new TypeError("cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnreachable(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnreachable(null)).toBe(false);
  });
});
