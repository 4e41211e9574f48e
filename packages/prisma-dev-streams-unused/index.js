// `prisma dev` (a local Prisma Postgres) is the only importer; Podium uses PGlite or PostgreSQL instead.
throw new Error("`prisma dev` is not available in Podium: it runs on PGlite (embedded) or PostgreSQL (DATABASE_URL) — see README.md");
