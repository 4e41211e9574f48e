// @ts-check
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import tseslint from "typescript-eslint";

const webOnly = {
  patterns: [
    { group: ["next", "next/*"], message: "lib/, cli/ and gpu-worker/ are shared by the web tier, the worker and the CLI: no Next.js here." },
    { group: ["react", "react-dom", "react/*"], message: "No React outside app/ and components/." },
    { group: ["@/app/*", "@/server/*", "@/components/*", "**/app/*", "**/server/*", "**/components/*"], message: "The domain must not depend on the web tier." },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "dist/", "lib/db/generated/", ".podium/", ".ci-services/", "next-env.d.ts", "test-results/", "playwright-report/", "infra/cdk.out/", "cdk.out/", ".open-next/", ".scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "@next/next": nextPlugin },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["lib/**/*.ts", "cli/**/*.ts", "gpu-worker/**/*.ts"],
    rules: { "no-restricted-imports": ["error", webOnly] },
  },
  {
    files: ["lib/**/*.ts", "app/**/*.ts", "app/**/*.tsx", "components/**/*.tsx", "server/**/*.ts", "gpu-worker/**/*.ts"],
    ignores: ["lib/config/env.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read settings through lib/config/env.ts, the one module that reads the environment." }],
    },
  },
  {
    files: ["**/*.mjs", "scripts/**", "bin/**"],
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
  },
);
