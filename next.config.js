// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The legacy client posts to /retrieval/ with a trailing slash; answer it there instead of redirecting.
  skipTrailingSlashRedirect: true,
  // Native and WASM packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg", "@prisma/client"],
  outputFileTracingIncludes: { "/**": ["./prisma/migrations/**/*", "./clients/python/podium_client.py"] },
};

export default nextConfig;
