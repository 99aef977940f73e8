import { z } from "zod";

// The minimal shape each handler reads, checked before dispatch. A body is validly signed by whoever
// holds the webhook secret (GitHub, but also a replay tool or a misconfigured proxy); a missing field
// must answer 400 with the field's name, not a TypeError deep in a handler. Objects are loose: GitHub
// adds fields, and only what a handler dereferences is required.

const str = z.string();
const sha = z.string().regex(/^[0-9a-f]{40}$/i, "a 40-character commit sha");
const login = z.looseObject({ login: str });
const user = z.looseObject({ login: str, id: z.number(), type: str.optional() }).nullable().optional();

const repository = z.looseObject({
  name: str,
  full_name: str,
  html_url: str,
  owner: login,
  private: z.boolean().optional(),
  default_branch: str.optional(),
});
// Without an installation the App has no token for the repository: nothing it could do would be seen.
const installation = z.looseObject({ id: z.number() });
const base = { repository, installation };

const push = z.looseObject({
  ...base,
  ref: str,
  after: sha,
  before: sha,
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
});

const pullRequest = z.looseObject({
  ...base,
  action: str,
  pull_request: z.looseObject({
    number: z.number(),
    html_url: str,
    head: z.looseObject({ sha }),
    base: z.looseObject({ sha }),
    user,
  }),
});

const pullRefs = z.array(z.looseObject({ number: z.number() }));
const app = z.looseObject({ id: z.number() }).nullable().optional();

const checkRun = z.looseObject({
  ...base,
  action: str,
  check_run: z.looseObject({
    id: z.number(),
    name: str,
    head_sha: sha,
    app,
    pull_requests: pullRefs,
    check_suite: z.looseObject({ before: str.nullable().optional() }).nullable().optional(),
  }),
});

const checkSuite = z.looseObject({
  ...base,
  action: str,
  check_suite: z.looseObject({
    head_sha: sha,
    app,
    pull_requests: pullRefs,
    before: str.nullable().optional(),
  }),
});

const comment = {
  id: z.number(),
  body: str,
  user,
  created_at: str,
  html_url: str,
};

const issueComment = z.looseObject({
  ...base,
  action: str,
  comment: z.looseObject(comment),
  issue: z.looseObject({ number: z.number(), html_url: str, body: str.nullable().optional(), user }),
});

const commitComment = z.looseObject({
  ...base,
  action: str,
  comment: z.looseObject({ ...comment, commit_id: sha }),
});

/**
 * The events and actions the App handles (src/app/index.ts), each with what its handler reads. Other
 * events and actions are acknowledged and dropped by the router, so their shape does not matter.
 */
export const PAYLOAD_SCHEMAS: Record<string, { actions?: readonly string[]; schema: z.ZodType }> = {
  push: { schema: push },
  pull_request: { actions: ["opened", "synchronize", "reopened"], schema: pullRequest },
  check_run: { actions: ["rerequested", "requested_action"], schema: checkRun },
  check_suite: { actions: ["rerequested"], schema: checkSuite },
  issue_comment: { actions: ["created"], schema: issueComment },
  commit_comment: { actions: ["created"], schema: commitComment },
};

/**
 * Undefined when `payload` has what the handler of `event` reads; else one line naming the first bad
 * field, e.g. `push payload: repository.name: expected string, received undefined`.
 */
export function payloadProblem(event: string, payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return `${event} payload: expected a JSON object`;
  const entry = PAYLOAD_SCHEMAS[event];
  const action = (payload as { action?: unknown }).action;
  if (!entry || (entry.actions && !entry.actions.includes(action as string))) return undefined;
  const parsed = entry.schema.safeParse(payload);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join(".") : "(top level)";
  const what = issue.message.replace(
    /^Invalid input: expected (\w+), received undefined$/,
    "missing ($1 expected)",
  );
  return `${event} payload: ${where}: ${what}`.replace(/\s+/g, " ").slice(0, 300);
}
