// Stands in for an OpenNext function when `.open-next/` was not built, so the stack synthesizes on a fresh clone.
// Deployed as is, it answers every request with this explanation. Run `npx @opennextjs/aws build`, then deploy.
export async function handler() {
  return {
    statusCode: 503,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    body: "Podium was deployed without its web build: run `npx @opennextjs/aws build` and deploy again.\n",
  };
}
