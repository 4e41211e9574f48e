import { describe, expect, it } from "vitest";
import { databaseUrlFromSecret } from "../config/env";
import { databaseConnection } from "./database-tls";
import { openPostgresPool } from "./postgres-pool";

// TLS to PostgreSQL is verified for real: against the test server (TLS under a private authority, started by
// scripts/test-services.sh), a URL asking for verify-full connects with that authority trusted and is refused without
// it. On main before this, `sslmode=require` from the AWS secret meant verification against Node's roots only, so an
// Aurora cluster's own certificate (RDS authority) was refused and `databaseProxy=false` could not connect.

describe("database TLS", () => {
  it("takes the mode out of the URL and verifies against Node's roots, the RDS authorities and an extra file", () => {
    const { connectionString, ssl } = databaseConnection("postgresql://u:p@db.example:5432/podium?sslmode=verify-full&application_name=x");
    expect(connectionString).toBe("postgresql://u:p@db.example:5432/podium?application_name=x");
    expect(ssl?.rejectUnauthorized).toBe(true);
    expect((ssl?.ca as string[]).length).toBeGreaterThan(200); // Node's roots and the RDS bundles
    expect(ssl?.checkServerIdentity).toBeUndefined();
    expect(databaseConnection("postgresql://u:p@db.example/podium?sslmode=verify-ca").ssl?.checkServerIdentity).toBeTypeOf("function");
    // No TLS asked, or a CA named in the URL: untouched.
    expect(databaseConnection("postgresql://u:p@localhost/podium")).toEqual({ connectionString: "postgresql://u:p@localhost/podium" });
    expect(databaseConnection("postgresql://u:p@h/d?sslmode=require&sslrootcert=/ca.pem").ssl).toBeUndefined();
  });

  it("builds the AWS URL with full verification", () => {
    const url = new URL(databaseUrlFromSecret(JSON.stringify({ username: "podium", password: "p@ss", port: 5432, dbname: "podium", host: "cluster.rds" }), "proxy.rds"));
    expect(url.searchParams.get("sslmode")).toBe("verify-full");
    expect(url.hostname).toBe("proxy.rds");
  });

  it("connects to a server its authorities vouch for, by name and by address, and refuses one they do not", async () => {
    const admin = process.env.TEST_DATABASE_URL;
    const caFile = process.env.TEST_DATABASE_CA_FILE;
    if (!admin || !caFile) throw new Error("TEST_DATABASE_URL and TEST_DATABASE_CA_FILE are not set: run the suite with `npm test` (scripts/test-services.sh up)");
    for (const host of ["localhost", "127.0.0.1"]) {
      const url = new URL(admin);
      url.hostname = host;
      url.searchParams.set("sslmode", "verify-full");
      const pool = await openPostgresPool(url.toString(), { max: 1, caFile });
      try {
        const [row] = await pool.sql.query<{ ssl: boolean }>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        expect(row?.ssl, host).toBe(true);
      } finally {
        await pool.close();
      }
    }
    const url = new URL(admin);
    url.searchParams.set("sslmode", "require");
    const untrusted = await openPostgresPool(url.toString(), { max: 1 });
    try {
      await expect(untrusted.sql.query("SELECT 1")).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    } finally {
      await untrusted.close();
    }
  });
});
