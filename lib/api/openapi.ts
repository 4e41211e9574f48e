// The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Kept next to the routes' schemas in
// spirit: every route of app/api/v1 appears here, and tests/web/openapi.test.ts checks that.

const error = { $ref: "#/components/schemas/Error" };
const json = (schema: object) => ({ "application/json": { schema } });
const responses = (ok: Record<string, unknown>, ...codes: number[]) => ({
  ...ok,
  ...Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code] ?? "error", content: json(error) }])),
});
const ERROR_TEXT: Record<number, string> = { 413: "too large", 400: "bad request", 401: "not signed in / bad token", 403: "not allowed", 404: "not found", 409: "conflict", 422: "invalid results file", 429: "quota reached" };
const slug = { name: "slug", in: "path", required: true, schema: { type: "string" } };
const id = { name: "id", in: "path", required: true, schema: { type: "string" } };
// The pieces every upload straight to storage shares (a model, a results file): its start's reply, its part URLs and
// the parts its completion lists.
const uploadStarted = { 201: { description: "upload started", content: json({ type: "object", properties: { submissionId: { type: "string" }, uploadId: { type: "string" }, partSize: { type: "integer" }, partCount: { type: "integer" } } }) } };
const uploadParts = (what: string) => ({
  post: { summary: `Presigned URLs for parts of a ${what} upload`, parameters: [slug, id], requestBody: { content: json({ type: "object", properties: { uploadId: { type: "string" }, partNumbers: { type: "array", items: { type: "integer" } } } }) }, responses: responses({ 200: { description: "part URLs" } }, 400, 401, 403, 404, 409) },
});
const completedParts = { uploadId: { type: "string" }, parts: { type: "array", items: { type: "object", properties: { partNumber: { type: "integer" }, etag: { type: "string" } } } } };
// An entry's optional name and description (lib/submissions/entry-details.ts): trimmed, blank or null means none; a
// refused one is a 400 whose message names the field.
const entryName = { type: ["string", "null"], maxLength: 100, description: "the entry's name (method): trimmed, 1–100 characters, no control characters; blank or null: none" };
const entryDescription = { type: ["string", "null"], maxLength: 2000, description: "the entry's description (method, links): plain text up to 2,000 characters, line breaks allowed, no other control characters; URLs are shown as links, never HTML" };
const entryDetails = { name: entryName, description: entryDescription };

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: { title: "Podium API", version: "1", description: "Competition submission and judging for top-k image retrieval. Authenticate with `Authorization: Bearer pod_…` (an API token) or a browser session." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API token (pod_…)" } },
      schemas: {
        ModelManifest: {
          type: "object",
          description: "How the worker feeds images to the encoder (lib/models/manifest.ts); may also live in the model's metadata_props under podium.manifest",
          properties: {
            input: { type: "string" },
            output: { type: "string" },
            size: { oneOf: [{ type: "integer" }, { type: "array", items: { type: "integer" }, minItems: 2, maxItems: 2 }] },
            layout: { enum: ["NCHW", "NHWC"] },
            channelOrder: { enum: ["RGB", "BGR"] },
            scale: { type: "number" },
            mean: { type: "array", items: { type: "number" }, minItems: 3, maxItems: 3 },
            std: { type: "array", items: { type: "number" }, minItems: 3, maxItems: 3 },
            resize: { enum: ["center-crop", "squash", "pad"] },
            similarity: { enum: ["cosine", "dot"] },
            batchSize: { type: "integer" },
          },
        },
        Error: { type: "object", properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } }, required: ["code", "message"] } } },
        SplitScore: { type: "object", properties: { score: { type: "number" }, hit: { type: "object", additionalProperties: { type: "number" } }, evaluated: { type: "integer" }, missing: { type: "integer" }, ci95: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 } } },
        Submission: {
          type: "object",
          properties: {
            id: { type: "string" },
            kind: { enum: ["results", "model"] },
            name: { type: ["string", "null"], description: "the team's name of the entry" },
            description: { type: ["string", "null"], description: "the team's description of the entry (plain text)" },
            fileName: { type: ["string", "null"] },
            channel: { enum: ["web", "api", "cli", "legacy"] },
            status: { enum: ["received", "checking", "queued", "running", "scored", "invalid", "failed", "cancelled"] },
            sha256: { type: "string" },
            size: { type: "integer" },
            error: { type: ["string", "null"] },
            validationErrors: { type: ["array", "null"] },
            selectedForFinal: { type: "boolean" },
            scores: { type: "object", description: "public always; private and all only after the reveal (or for organizers)", additionalProperties: { $ref: "#/components/schemas/SplitScore" } },
          },
        },
        TeamSummary: {
          type: "object",
          properties: {
            team: { type: "object", properties: { id: { type: "string" }, name: { type: "string" }, disqualified: { type: "boolean" } } },
            members: { type: "array", items: { type: "object", properties: { name: { type: "string" }, role: { enum: ["CAPTAIN", "MEMBER"] }, joinedAt: { type: "string" } } } },
            inviteCode: { type: ["string", "null"] },
            quota: {
              type: "object",
              description: "null limits and counts left mean no limit; leftToday counts both limits; resetsAt is midnight in the competition's time zone",
              properties: {
                dailyLimit: { type: ["integer", "null"] },
                usedToday: { type: "integer" },
                leftToday: { type: ["integer", "null"] },
                totalLimit: { type: ["integer", "null"] },
                usedTotal: { type: "integer" },
                leftTotal: { type: ["integer", "null"] },
                resetsAt: { type: ["string", "null"] },
              },
            },
          },
        },
        Leaderboard: { type: "object", properties: { board: { enum: ["public", "private"] }, frozenAt: { type: ["string", "null"] }, revealedAt: { type: ["string", "null"] }, rows: { type: "array", items: { type: "object" } } } },
        CompetitionSettings: { type: "object", description: "Every setting of `podium competition` (camelCase): title, description, rules, timeZone, startsAt, endsAt, weights, submissionKinds, dailyLimit, totalLimit, teamSize, publicFraction, splitSeed, finalSelectionLimit, allowPartial, legacyEndpoint, leaderboard, freezeAt, registrationOpen, modelSizeLimit, teamAnalysis (off, after-end, during), ladderThreshold (score points or null)" },
      },
    },
    paths: {
      "/api/v1/me": { get: { summary: "Who the token belongs to", responses: responses({ 200: { description: "the user" } }, 401) } },
      "/api/v1/tokens": {
        get: { summary: "Your API tokens (never their secrets)", responses: responses({ 200: { description: "tokens" } }, 401) },
        post: { summary: "Create a token, shown once", requestBody: { content: json({ type: "object", properties: { name: { type: "string" } } }) }, responses: responses({ 200: { description: "the token" } }, 400, 401) },
      },
      "/api/v1/tokens/{id}": { delete: { summary: "Revoke one of your tokens", parameters: [id], responses: responses({ 200: { description: "revoked" } }, 401, 404) } },
      "/api/v1/competitions": {
        get: { summary: "List competitions (rehearsals are not listed)", security: [], responses: { 200: { description: "competitions" } } },
        post: {
          summary: "Create a competition (you become its organizer); `rehearsal: true` makes it an unlisted rehearsal, deleted without force",
          requestBody: { content: json({ allOf: [{ $ref: "#/components/schemas/CompetitionSettings" }, { type: "object", properties: { rehearsal: { type: "boolean" } } }] }) }, responses: responses({ 201: { description: "created" } }, 400, 401, 409) },
      },
      "/api/v1/competitions/{slug}": {
        get: { summary: "A competition (the split seed only for organizers)", parameters: [slug], security: [], responses: responses({ 200: { description: "the competition" } }, 404) },
        patch: {
          summary: "Change settings (organizers). Once entries are scored, a change of splitSeed, publicFraction, weights or allowPartial is refused (409) unless `confirmRescore: true`, which rescores every entry",
          parameters: [slug],
          requestBody: { content: json({ allOf: [{ $ref: "#/components/schemas/CompetitionSettings" }, { type: "object", properties: { confirmRescore: { type: "boolean" } } }] }) },
          responses: responses({ 200: { description: "updated (with `rescore` counts when every entry was rescored)" } }, 400, 401, 403, 404, 409),
        },
        delete: {
          summary: "Delete the competition with its teams, entries, dataset versions and stored files (organizers). A competition that is not a rehearsal is refused (409) unless `force=true`",
          parameters: [slug, { name: "force", in: "query", schema: { enum: ["true", "false"] } }],
          responses: responses({ 200: { description: "`deleted`: the slug, whether it was a rehearsal, and how many teams, entries, rehearsal accounts and stored files went" } }, 400, 401, 403, 404, 409, 503),
        },
      },
      "/api/v1/competitions/{slug}/rehearsal/accounts": {
        post: {
          summary: "Create throwaway accounts for a rehearsal, each with an API token (admins only; never with a team token). They have no password and are deleted with the rehearsal. A competition that is not a rehearsal is refused (409), as is a taken address (409, and nothing is created)",
          parameters: [slug],
          requestBody: {
            content: json({
              type: "object",
              required: ["names"],
              additionalProperties: false,
              properties: { names: { type: "array", minItems: 1, maxItems: 100, uniqueItems: true, items: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,39}$" } } },
            }),
          },
          responses: responses(
            {
              201: {
                description: "the accounts: `name@slug.rehearsal.invalid` with its token, shown once",
                content: json({ type: "object", properties: { accounts: { type: "array", items: { type: "object", properties: { name: { type: "string" }, email: { type: "string" }, token: { type: "string" } } } } } }),
              },
            },
            400,
            401,
            403,
            404,
            409,
          ),
        },
      },
      "/api/v1/competitions/{slug}/organizers": { post: { summary: "Add a co-organizer by e-mail", parameters: [slug], responses: responses({ 200: { description: "added" } }, 401, 403, 404) } },
      "/api/v1/competitions/{slug}/datasets": {
        get: { summary: "Dataset versions with validation reports (organizers)", parameters: [slug], responses: responses({ 200: { description: "versions" } }, 401, 403) },
        post: { summary: "Start a multipart upload of a dataset archive", parameters: [slug], responses: responses({ 201: { description: "upload id, part size and count" } }, 400, 401, 403) },
      },
      "/api/v1/competitions/{slug}/datasets/{id}": { get: { summary: "One version's status and report (organizers)", parameters: [slug, id], responses: responses({ 200: { description: "the version" } }, 401, 403, 404) } },
      "/api/v1/competitions/{slug}/datasets/{id}/parts": { post: { summary: "Presigned URLs for parts of the upload", parameters: [slug, id], responses: responses({ 200: { description: "part URLs" } }, 400, 401, 403, 409) } },
      "/api/v1/competitions/{slug}/datasets/{id}/complete": { post: { summary: "Finish the upload and start validation", parameters: [slug, id], responses: responses({ 202: { description: "validating" } }, 400, 401, 403, 409) } },
      "/api/v1/competitions/{slug}/datasets/{id}/activate": {
        post: {
          summary: "Activate a validated version ({id} is its number). Once entries are scored, refused (409) unless `confirmRescore: true`, which rescores every entry against it",
          parameters: [slug, id],
          requestBody: { required: false, content: json({ type: "object", properties: { confirmRescore: { type: "boolean" } } }) },
          responses: responses({ 200: { description: "active" } }, 400, 401, 403, 404, 409),
        },
      },
      "/api/v1/competitions/{slug}/audit": {
        get: {
          summary: "The audit log (organizers): who did what when, each changed field before → after; CSV cells that a spreadsheet would run as formulas are neutralised",
          parameters: [slug, { name: "format", in: "query", schema: { enum: ["json", "csv"] } }],
          responses: responses({ 200: { description: "the events, newest first", content: { ...json({ type: "object" }), "text/csv": { schema: { type: "string" } } } } }, 400, 401, 403, 404),
        },
      },
      "/api/v1/competitions/{slug}/bundle": { get: { summary: "A 5-minute download URL of the participant bundle (no labels)", parameters: [slug], responses: responses({ 200: { description: "url" } }, 401, 403, 404) } },
      "/api/v1/competitions/{slug}/teams": { post: { summary: "Create a team (its name is the legacy groupname)", parameters: [slug], responses: responses({ 201: { description: "team" } }, 400, 401, 403, 409) } },
      "/api/v1/competitions/{slug}/teams/join": { post: { summary: "Join a team with its invite code", parameters: [slug], responses: responses({ 200: { description: "joined" } }, 401, 403, 404, 409) } },
      "/api/v1/competitions/{slug}/team/leave": { post: { summary: "Leave your team", parameters: [slug], responses: responses({ 200: { description: "left" } }, 401, 403) } },
      "/api/v1/competitions/{slug}/team/invite": { post: { summary: "Rotate your team's invite code", parameters: [slug], responses: responses({ 200: { description: "new code" } }, 401, 403) } },
      "/api/v1/competitions/{slug}/team": {
        get: {
          summary: "Your team: name, members, invite code (not through a team token) and its quota: entries left today and in total",
          parameters: [slug],
          responses: responses({ 200: { description: "the team", content: json({ $ref: "#/components/schemas/TeamSummary" }) } }, 401, 403, 404),
        },
      },
      "/api/v1/competitions/{slug}/team/tokens": {
        get: { summary: "Your team's tokens, never their secrets (members only)", parameters: [slug], responses: responses({ 200: { description: "team name and tokens" } }, 401, 403, 404) },
        post: {
          summary: "Create a team token (read and submit for this team only; the legacy endpoint's ?token=), shown once",
          parameters: [slug],
          requestBody: { content: json({ type: "object", properties: { name: { type: "string" } }, required: ["name"] }) },
          responses: responses({ 201: { description: "the token, with its secret" } }, 400, 401, 403, 404),
        },
      },
      "/api/v1/competitions/{slug}/team/tokens/{id}": { delete: { summary: "Revoke one of your team's tokens", parameters: [slug, id], responses: responses({ 200: { description: "revoked" } }, 401, 403, 404) } },
      "/api/v1/competitions/{slug}/submissions": {
        get: { summary: "Your team's submissions", parameters: [slug], responses: responses({ 200: { description: "submissions", content: json({ type: "object", properties: { submissions: { type: "array", items: { $ref: "#/components/schemas/Submission" } } } }) } }, 401, 403) },
        post: {
          summary: "Submit a results file (multipart field `file`, with optional fields `name` and `description`, or the raw JSON body)",
          parameters: [slug],
          requestBody: {
            content: {
              "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" }, name: { ...entryName, type: "string" }, description: { ...entryDescription, type: "string" } }, required: ["file"] } },
              "application/json": { schema: { type: "object" } },
            },
          },
          responses: responses({ 201: { description: "scored", content: json({ type: "object", properties: { submission: { $ref: "#/components/schemas/Submission" } } }) }, 202: { description: "queued" } }, 400, 401, 403, 422, 429),
        },
      },
      "/api/v1/competitions/{slug}/submissions/{id}": {
        get: { summary: "One submission (its team or organizers)", parameters: [slug, id], responses: responses({ 200: { description: "the submission" } }, 401, 403, 404) },
        patch: {
          summary: "Your team's entry: select or unselect it for the private board, and/or rename or re-describe it (members of the team that owns it only; a field left out stays as it is)",
          parameters: [slug, id],
          requestBody: { content: json({ type: "object", properties: { selectedForFinal: { type: "boolean" }, ...entryDetails }, minProperties: 1, additionalProperties: false }) },
          responses: responses({ 200: { description: "updated", content: json({ type: "object", properties: { submission: { $ref: "#/components/schemas/Submission" } } }) } }, 400, 401, 403, 404, 409),
        },
      },
      "/api/v1/competitions/{slug}/submissions/{id}/results": {
        get: {
          summary:
            "The top-10 file a model entry generated (its team or organizers): a redirect to a short-lived download URL. For a team before private numbers are shown: the file cut to the public queries; in a model-only competition, refused (403) until the reveal",
          parameters: [slug, id],
          responses: responses({ 200: { description: "the public queries' part of the file" }, 302: { description: "redirect to the file" } }, 401, 403, 404),
        },
      },
      "/api/v1/competitions/{slug}/submissions/uploads": {
        post: {
          summary: "Start sending a results file straight to storage in parts (files larger than a request body may be; 6 MB through a Lambda function URL); nothing counts until it is completed",
          parameters: [slug],
          requestBody: { content: json({ type: "object", properties: { fileName: { type: "string" }, size: { type: "integer", description: "bytes, at most 64 MiB" }, ...entryDetails }, required: ["size"] }) },
          responses: responses(uploadStarted, 400, 401, 403, 413, 429),
        },
      },
      "/api/v1/competitions/{slug}/submissions/uploads/{id}/parts": uploadParts("results"),
      "/api/v1/competitions/{slug}/submissions/uploads/{id}/complete": {
        post: {
          summary: "Finish a results upload: the file is validated, scored and counted as one posted in the body (a name or description given here replaces the start's)",
          parameters: [slug, id],
          requestBody: { content: json({ type: "object", properties: { ...completedParts, ...entryDetails } }) },
          responses: responses({ 201: { description: "scored", content: json({ type: "object", properties: { submission: { $ref: "#/components/schemas/Submission" } } }) }, 202: { description: "waiting for a worker" } }, 400, 401, 403, 404, 409, 422, 429),
        },
      },
      "/api/v1/competitions/{slug}/models": {
        post: {
          summary: "Start uploading an ONNX model (an .onnx, or a .zip/.tar of one with its external data files); parts then go straight to storage",
          parameters: [slug],
          requestBody: { content: json({ type: "object", properties: { fileName: { type: "string", description: "ends in .onnx, .zip or .tar" }, size: { type: "integer" }, manifest: { $ref: "#/components/schemas/ModelManifest" }, ...entryDetails }, required: ["fileName", "size"] }) },
          responses: responses(uploadStarted, 400, 401, 403),
        },
      },
      "/api/v1/competitions/{slug}/models/{id}/parts": uploadParts("model"),
      "/api/v1/competitions/{slug}/models/{id}/complete": {
        post: {
          summary: "Finish a model upload: its checks (static checks and a dry run) are queued as a job; the entry is \"checking\" until they queue it for scoring or refuse it (no quota used) — poll the submission",
          parameters: [slug, id],
          requestBody: { content: json({ type: "object", properties: { ...completedParts, manifest: { $ref: "#/components/schemas/ModelManifest" }, ...entryDetails } }) },
          responses: responses({ 202: { description: "checking", content: json({ type: "object", properties: { submission: { $ref: "#/components/schemas/Submission" } } }) } }, 400, 401, 403, 404, 409),
        },
      },
      "/api/v1/competitions/{slug}/leaderboard": {
        get: {
          summary: "The public board, or the private one once revealed",
          parameters: [slug, { name: "board", in: "query", schema: { enum: ["public", "private"] } }, { name: "format", in: "query", schema: { enum: ["json", "csv"] } }],
          security: [],
          responses: responses({ 200: { description: "the board", content: { ...json({ $ref: "#/components/schemas/Leaderboard" }), "text/csv": { schema: { type: "string" } } } } }, 403, 404),
        },
      },
      "/api/v1/competitions/{slug}/reveal": {
        post: {
          summary: 'Reveal the private leaderboard (final; a snapshot is stored). Needs {"confirm": true}: 400 otherwise',
          parameters: [slug],
          requestBody: { required: true, content: json({ type: "object", properties: { confirm: { const: true } }, required: ["confirm"] }) },
          responses: responses({ 200: { description: "revealed" } }, 400, 401, 403, 409),
        },
      },
      "/api/v1/competitions/{slug}/admin/jobs": {
        get: { summary: "Organizers: running jobs (phase, done/total, ETA, worker, attempt), queued jobs with their place, the last jobs that ended", parameters: [slug], responses: responses({ 200: { description: "running, queued and recent jobs" } }, 401, 403, 404) },
      },
      "/api/v1/competitions/{slug}/admin/submissions": {
        get: {
          summary: "Organizers: every submission, newest first, with every split's score",
          parameters: [
            slug,
            { name: "status", in: "query", schema: { enum: ["received", "checking", "queued", "running", "scored", "invalid", "failed", "cancelled"] } },
            { name: "kind", in: "query", schema: { enum: ["results", "model"] } },
            { name: "team", in: "query", description: "a team id", schema: { type: "string" } },
            { name: "q", in: "query", description: "text in the team's name (case-insensitive)", schema: { type: "string" } },
            { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
            { name: "pageSize", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
          ],
          responses: responses({ 200: { description: "submissions, total, page, pageCount" } }, 401, 403, 404),
        },
      },
      "/api/v1/competitions/{slug}/admin/submissions/{id}/rerun": {
        post: {
          summary: "Organizers: score a results file again against the active dataset version (scores added beside the old ones; the same version twice changes nothing), or queue a model entry again; the quota is untouched",
          parameters: [slug, id],
          responses: responses({ 200: { description: "{rerun: {kind: rescored|unchanged|invalid|queued, version, …}}" } }, 401, 403, 404, 409),
        },
      },
      "/api/v1/competitions/{slug}/admin/teams": { get: { summary: "Organizers: every team with its size, entries and disqualification", parameters: [slug], responses: responses({ 200: { description: "teams" } }, 401, 403, 404) } },
      "/api/v1/competitions/{slug}/admin/teams/{id}/disqualify": {
        post: {
          summary: "Organizers: disqualify a team (off the leaderboards, no more submissions; audited)",
          parameters: [slug, id],
          requestBody: { content: json({ type: "object", properties: { reason: { type: "string", maxLength: 500 } }, required: ["reason"] }) },
          responses: responses({ 200: { description: "the team" } }, 400, 401, 403, 404, 409),
        },
      },
      "/api/v1/competitions/{slug}/admin/teams/{id}/reinstate": { post: { summary: "Organizers: lift a team's disqualification (audited)", parameters: [slug, id], responses: responses({ 200: { description: "the team" } }, 401, 403, 404, 409) } },
    },
  };
}
