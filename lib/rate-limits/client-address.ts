// The address a request came from, for per-address rate limits.
//
// A route handler of Next.js sees no socket. Next's own server fills in `x-forwarded-for` with the socket's
// address only when the request has no such header, so a client talking to Next directly can claim any address
// there. Proxies append the address they saw to the right. So:
// - behind N trusted proxies (PODIUM_TRUSTED_PROXY_HOPS=N, e.g. 1 for CloudFront or a load balancer), the client is
//   the Nth entry from the right: the address the outermost trusted proxy saw. Entries further left are the client's
//   own claims and are ignored.
// - with no trusted proxy (0, the default), the header's last entry is the socket address Next wrote when the client
//   sent none; a client that sends its own header picks its key, which is why per-address limits are paired with a
//   per-competition ceiling that no choice of address escapes (lib/rate-limits/rate-limits.ts).

/** The client's address from `x-forwarded-for` (see above), or "unknown" when there is none. */
export function clientAddressOf(forwardedFor: string | null, trustedProxyHops: number): string {
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop !== "");
  if (hops.length === 0) return "unknown";
  const index = Math.max(0, hops.length - Math.max(1, trustedProxyHops));
  return normalizeAddress(hops[index]!);
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as plain IPv4, so one client has one key. */
function normalizeAddress(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1").toLowerCase();
}
