import { describe, expect, it } from "vitest";
import { refuseCrossSiteWrite } from "./same-origin";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("refuseCrossSiteWrite", () => {
  it("refuses a cookie-authenticated write from another site's page", () => {
    expect(() => refuseCrossSiteWrite("POST", headers({ host: "podium.example.org", origin: "https://evil.example" }))).toThrow(/cross-site request refused/);
    expect(() => refuseCrossSiteWrite("PATCH", headers({ host: "podium.example.org", origin: "null" }))).toThrow(/cross-site/);
    expect(() => refuseCrossSiteWrite("DELETE", headers({ host: "podium.example.org", "sec-fetch-site": "cross-site" }))).toThrow(/cross-site/);
  });

  it("lets through the site's own pages, reads, bearer tokens and clients that are not browsers", () => {
    expect(() => refuseCrossSiteWrite("POST", headers({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).not.toThrow();
    expect(() => refuseCrossSiteWrite("POST", headers({ host: "internal:3000", "x-forwarded-host": "podium.example.org", origin: "https://podium.example.org" }))).not.toThrow();
    expect(() => refuseCrossSiteWrite("GET", headers({ host: "podium.example.org", origin: "https://evil.example" }))).not.toThrow();
    expect(() => refuseCrossSiteWrite("POST", headers({ host: "podium.example.org", origin: "https://evil.example", authorization: "Bearer pod_x" }))).not.toThrow();
    expect(() => refuseCrossSiteWrite("POST", headers({ host: "podium.example.org" }))).not.toThrow();
  });
});
