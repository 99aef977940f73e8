import "./polyfill.js";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Ajv as AjvType, ValidateFunction } from "ajv";
import nock from "nock";
import type { Probot } from "probot";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { AppOptions } from "../../src/app/index.js";
import { API, example, GitHub, type Json, makeProbot, NOW, unmatched } from "./helpers.js";
import { repoTarball } from "./tar.js";

// Test support for the appeals flows: a small model of a repository's issues (what GitHub would
// answer, kept up to date by what the App writes), and one method per expected request, each
// recording method, path and body into `gh.requests` in order. Every request body the App sends is
// validated against its operation in GitHub's OpenAPI description.

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL(".", import.meta.url));

export const APP_SLUG = "skill-quarantine";
export const APP_LOGIN = "skill-quarantine[bot]";
export const KEY = "marker-key-for-tests";
export const APP_USER = { login: APP_LOGIN, id: 41898282, type: "Bot" };
// The appeals repository is the operator's (APPEALS_REPOSITORY), never the skill repository's config.
export const appOptions: AppOptions = {
  appSlug: APP_SLUG,
  markerSecret: KEY,
  appealsRepository: "Codertocat/skill-appeals",
};

export const person = (login: string, id: number) => ({ login, id, type: "User" });
export const CODERTOCAT = person("Codertocat", 21031067);
export const REVIEWER = person("octo-reviewer", 7001);

// ---- skills -------------------------------------------------------------------------------------------

function readTree(dir: string, prefix: string, out: Record<string, string>) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) readTree(p, `${prefix}${name}/`, out);
    else out[`${prefix}${name}`] = readFileSync(p, "utf8");
  }
}

/** Skill folders: the examples shipped with the project (examples/) and the App fixtures. */
export function skillFiles(folder: string, from: "examples" | "app" = "examples"): Record<string, string> {
  const root = from === "examples" ? join(here, "../../examples") : join(here, "../fixtures/app-skills");
  const out: Record<string, string> = {};
  readTree(join(root, folder), "", out);
  return out;
}

/** A repository: folder → files (path inside the skill → text). */
export function repoArchive(layout: Record<string, Record<string, string>>): Promise<Buffer> {
  const files: Record<string, string> = { "README.md": "# skills\n" };
  for (const [folder, skill] of Object.entries(layout))
    for (const [p, text] of Object.entries(skill)) files[`${folder}/${p}`] = text;
  return repoTarball(files, "Codertocat-Hello-World-0000000");
}

// ---- the OpenAPI description: every body the App sends ------------------------------------------------

let spec: Json;
const compiled = new Map<string, ValidateFunction>();
let ajv: AjvType | undefined;

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema))
    out[k] =
      k === "properties"
        ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, strict(pv)]))
        : strict(v);
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  // OpenAPI 3.0's `nullable` next to `oneOf` (no `type`): as JSON Schema, "this, or null".
  if (out.nullable === true && !("type" in out)) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: "null" }] };
  }
  return out;
}

/** Schema errors of `body` for the operation GitHub serves at `method path` (undefined: no JSON body). */
export async function openApiErrors(method: string, path: string, body: unknown): Promise<string[]> {
  if (!ajv) {
    const { Ajv } = (await import("ajv")) as unknown as { Ajv: new (o: object) => AjvType };
    const addFormats = (await import("ajv-formats")).default as unknown as (a: AjvType) => void;
    spec = JSON.parse(
      readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
    );
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
  }
  const bare = decodeURIComponent(path.split("?")[0]!);
  for (const [template, ops] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
    // `{path}` (contents API) spans folders; every other parameter is one segment.
    const re = new RegExp(`^${template.replace(/\{path\}/g, ".+").replace(/\{[^}]+\}/g, "[^/]+")}$`);
    const op = ops[method.toLowerCase()];
    if (!op || !re.test(bare)) continue;
    const schema = op.requestBody?.content?.["application/json"]?.schema;
    if (!schema) return [];
    let v = compiled.get(op.operationId);
    if (!v) {
      v = ajv!.compile(strict(schema) as object);
      compiled.set(op.operationId, v);
    }
    return v(body)
      ? []
      : (v.errors ?? []).map((e) => `${op.operationId} ${e.instancePath || "/"} ${e.message}`);
  }
  return [`no operation for ${method} ${bare}`];
}

export async function requestSchemaErrors(gh: GitHub): Promise<string[]> {
  const out: string[] = [];
  for (const r of gh.requests) {
    if (r.method === "GET" || r.method === "DELETE" || /\/check-runs/.test(r.path)) continue;
    if (/\/access_tokens$/.test(r.path)) continue;
    out.push(...(await openApiErrors(r.method, r.path, r.body)).map((e) => `${r.method} ${r.path}: ${e}`));
  }
  return out;
}

// ---- a repository's issues, as GitHub answers them -------------------------------------------------

export interface FakeComment {
  id: number;
  body: string;
  user: Json;
  html_url: string;
  created_at: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  state_reason?: string | null;
  user: Json;
  comments: FakeComment[];
}

export class IssueStore {
  readonly issues = new Map<number, FakeIssue>();
  readonly labels = new Set<string>();
  blocklist?: { text: string; sha: string };
  private nextIssue = 100;
  private nextComment = 5000;

  constructor(readonly fullName: string) {}

  get html() {
    return `https://github.com/${this.fullName}`;
  }

  issueJson(i: FakeIssue): Json {
    return {
      url: `${API}/repos/${this.fullName}/issues/${i.number}`,
      html_url: `${this.html}/issues/${i.number}`,
      id: 900000 + i.number,
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.state_reason ?? null,
      user: i.user,
      labels: i.labels.map((name, k) => ({ id: k + 1, name, color: "ededed", default: false })),
      comments: i.comments.length,
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
      author_association: "NONE",
    };
  }

  commentJson(c: FakeComment): Json {
    return { ...c, updated_at: c.created_at, author_association: "NONE" };
  }

  addIssue(fields: Partial<FakeIssue> & { body: string }): FakeIssue {
    const issue: FakeIssue = {
      number: fields.number ?? this.nextIssue++,
      title: fields.title ?? "an issue",
      labels: [],
      state: "open",
      user: APP_USER,
      comments: [],
      ...fields,
    };
    this.issues.set(issue.number, issue);
    return issue;
  }

  addComment(number: number, body: string, user: Json = APP_USER, id = this.nextComment++): FakeComment {
    const c: FakeComment = {
      id,
      body,
      user,
      html_url: `${this.html}/issues/${number}#issuecomment-${id}`,
      created_at: NOW.toISOString(),
    };
    this.issue(number).comments.push(c);
    return c;
  }

  issue(number: number): FakeIssue {
    const i = this.issues.get(number);
    if (!i) throw new Error(`no issue #${number} in ${this.fullName}`);
    return i;
  }

  labelled(label: string, state = "all"): Json[] {
    return [...this.issues.values()]
      .filter((i) => i.labels.includes(label) && (state === "all" || i.state === state))
      .map((i) => this.issueJson(i));
  }
}

// ---- expected requests ----------------------------------------------------------------------------

export class Script {
  private body: Json;
  private keep = (b: unknown) => {
    this.body = b;
    return true;
  };

  constructor(readonly gh: GitHub) {}

  private rec(method: string, path: string, body?: unknown) {
    this.gh.requests.push({ method, path, body });
  }

  /** GET …/collaborators/{user}/permission: a permission name, or an HTTP status for a failure. */
  permission(repo: string, user: string, answer: string | number, times = 1) {
    const path = `/repos/${repo}/collaborators/${user}/permission`;
    this.gh.api
      .get(path)
      .times(times)
      .reply(typeof answer === "number" ? answer : 200, () => {
        this.rec("GET", path);
        return typeof answer === "number"
          ? { message: "Server Error" }
          : {
              permission: answer === "maintain" ? "write" : answer,
              role_name: answer,
              user: { login: user },
            };
      });
    return this;
  }

  /** GET an issue's comments (with or without `since`): the store's comments at request time. */
  comments(store: IssueStore, number: number) {
    const path = `/repos/${store.fullName}/issues/${number}/comments`;
    this.gh.api
      .get(path)
      .query(true)
      .reply(200, (uri: unknown) => {
        this.rec("GET", (uri as unknown as { url: string }).url.replace(API, ""));
        return store.issues.get(number)?.comments.map((c) => store.commentJson(c)) ?? [];
      });
    return this;
  }

  commitComments(repo: string, sha: string, list: Json[] = []) {
    const path = `/repos/${repo}/commits/${sha}/comments`;
    this.gh.api
      .get(path)
      .query(true)
      .reply(200, (uri: unknown) => {
        this.rec("GET", (uri as unknown as { url: string }).url.replace(API, ""));
        return list;
      });
    return this;
  }

  commit(repo: string, ref: string, sha: string, parent?: string, author?: string) {
    const path = `/repos/${repo}/commits/${ref}`;
    this.gh.api.get(path).reply(200, () => {
      this.rec("GET", path);
      return {
        sha,
        parents: parent ? [{ sha: parent }] : [],
        commit: { message: "x" },
        ...(author ? { author: { login: author, id: 9, type: "User" } } : {}),
      };
    });
    return this;
  }

  /**
   * What a scan reads from the appeals repository: the blocklist file, the appeal issues, the
   * comments of the decided ones (`decided`), the report issues and their comments (`trackers`).
   */
  appealsState(store: IssueStore, opts: { decided?: number[]; trackers?: number[] } = {}) {
    const base = `/repos/${store.fullName}`;
    this.blocklistFile(store);
    this.gh.api
      .get(`${base}/issues`)
      .query({ labels: "quarantine-appeal", state: "all", per_page: "100" })
      .reply(200, () => {
        this.rec("GET", `${base}/issues?labels=quarantine-appeal&state=all`);
        return store.labelled("quarantine-appeal");
      });
    for (const n of opts.decided ?? []) this.comments(store, n);
    this.gh.api
      .get(`${base}/issues`)
      .query({ labels: "skill-report", state: "all", per_page: "100" })
      .reply(200, () => {
        this.rec("GET", `${base}/issues?labels=skill-report&state=all`);
        return store.labelled("skill-report");
      });
    for (const n of opts.trackers ?? []) this.comments(store, n);
    return this;
  }

  /** GET the open appeal issues (the overdue sweep). */
  openAppeals(store: IssueStore) {
    const base = `/repos/${store.fullName}`;
    this.gh.api
      .get(`${base}/issues`)
      .query({ labels: "quarantine-appeal", state: "open", per_page: "100" })
      .reply(200, () => {
        this.rec("GET", `${base}/issues?labels=quarantine-appeal&state=open`);
        return store.labelled("quarantine-appeal", "open");
      });
    return this;
  }

  /** GET the labels, then POST each of `create` (in order). */
  labels(store: IssueStore, create: string[] = []) {
    const path = `/repos/${store.fullName}/labels`;
    this.gh.api
      .get(path)
      .query(true)
      .reply(200, (uri: unknown) => {
        this.rec("GET", (uri as unknown as { url: string }).url.replace(API, ""));
        return [...store.labels].map((name, i) => ({ id: i + 1, name, color: "ededed" }));
      });
    if (create.length)
      this.gh.api
        .post(path, this.keep)
        .times(create.length)
        .reply(201, () => {
          this.rec("POST", path, this.body);
          store.labels.add(this.body.name);
          return { id: 1, ...this.body };
        });
    return this;
  }

  createIssue(store: IssueStore) {
    const path = `/repos/${store.fullName}/issues`;
    this.gh.api.post(path, this.keep).reply(201, () => {
      const body = this.body;
      this.rec("POST", path, body);
      const issue = store.addIssue({ title: body.title, body: body.body, labels: body.labels ?? [] });
      return store.issueJson(issue);
    });
    return this;
  }

  /** POST a comment on an issue or pull request conversation of `store`. */
  comment(store: IssueStore, number: number) {
    const path = `/repos/${store.fullName}/issues/${number}/comments`;
    this.gh.api.post(path, this.keep).reply(201, () => {
      const body = this.body;
      this.rec("POST", path, body);
      if (!store.issues.has(number)) store.addIssue({ number, body: "", user: CODERTOCAT });
      return store.commentJson(store.addComment(number, body.body));
    });
    return this;
  }

  commitComment(repo: string, sha: string) {
    const path = `/repos/${repo}/commits/${sha}/comments`;
    this.gh.api.post(path, this.keep).reply(201, () => {
      this.rec("POST", path, this.body);
      return {
        id: 777,
        html_url: `https://github.com/${repo}/commit/${sha}#commitcomment-777`,
        ...this.body,
      };
    });
    return this;
  }

  react(repo: string, on: "issue" | "commit", commentId: number) {
    const path =
      on === "issue"
        ? `/repos/${repo}/issues/comments/${commentId}/reactions`
        : `/repos/${repo}/comments/${commentId}/reactions`;
    this.gh.api.post(path, this.keep).reply(201, () => {
      this.rec("POST", path, this.body);
      return { id: 1, content: this.body.content };
    });
    return this;
  }

  addLabels(store: IssueStore, number: number) {
    const path = `/repos/${store.fullName}/issues/${number}/labels`;
    this.gh.api.post(path, this.keep).reply(200, () => {
      this.rec("POST", path, this.body);
      const issue = store.issue(number);
      for (const l of this.body.labels as string[]) if (!issue.labels.includes(l)) issue.labels.push(l);
      return issue.labels.map((name) => ({ name }));
    });
    return this;
  }

  removeLabel(store: IssueStore, number: number, name: string) {
    const path = `/repos/${store.fullName}/issues/${number}/labels/${encodeURIComponent(name)}`;
    this.gh.api.delete(path).reply(200, () => {
      this.rec("DELETE", path);
      const issue = store.issue(number);
      issue.labels = issue.labels.filter((l) => l !== name);
      return issue.labels.map((n) => ({ name: n }));
    });
    return this;
  }

  updateIssue(store: IssueStore, number: number) {
    const path = `/repos/${store.fullName}/issues/${number}`;
    this.gh.api.patch(path, this.keep).reply(200, () => {
      this.rec("PATCH", path, this.body);
      const issue = store.issue(number);
      Object.assign(issue, this.body);
      return store.issueJson(issue);
    });
    return this;
  }

  blocklistFile(store: IssueStore) {
    const path = `/repos/${store.fullName}/contents/.github%2Fskill-quarantine-blocklist.yml`;
    this.gh.api.get(path).reply(() => {
      this.rec("GET", path);
      const file = store.blocklist;
      return file
        ? [
            200,
            {
              type: "file",
              encoding: "base64",
              name: "skill-quarantine-blocklist.yml",
              path: ".github/skill-quarantine-blocklist.yml",
              sha: file.sha,
              content: Buffer.from(file.text).toString("base64"),
            },
          ]
        : [404, { message: "Not Found" }];
    });
    return this;
  }

  putBlocklist(store: IssueStore) {
    const path = `/repos/${store.fullName}/contents/.github%2Fskill-quarantine-blocklist.yml`;
    this.gh.api.put(path, this.keep).reply(201, () => {
      this.rec("PUT", path, this.body);
      store.blocklist = { text: Buffer.from(this.body.content, "base64").toString("utf8"), sha: "b10c0001" };
      return { content: { sha: store.blocklist.sha }, commit: { sha: "c0ffee" } };
    });
    return this;
  }
}

// ---- payloads -------------------------------------------------------------------------------------------

/** The published `issue_comment.created` example (with an installation), with this body and author. */
export function issueCommentPayload(body: string, opts: { user?: Json; commentId?: number } = {}): Json {
  const p = example("issue_comment", (e) => e.action === "created" && e.installation);
  p.comment.body = body;
  if (opts.user) p.comment.user = p.sender = { ...p.comment.user, ...opts.user };
  if (opts.commentId) {
    p.comment.id = opts.commentId;
    p.comment.html_url = `${p.issue.html_url}#issuecomment-${opts.commentId}`;
  }
  return p;
}

/** The same example on a pull request conversation (`issue.pull_request` set, as GitHub sends it). */
export function prCommentPayload(body: string, opts: { user?: Json; commentId?: number } = {}): Json {
  const p = issueCommentPayload(body, opts);
  p.issue.number = 2;
  p.issue.html_url = "https://github.com/Codertocat/Hello-World/pull/2";
  p.issue.pull_request = {
    url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/2",
    html_url: "https://github.com/Codertocat/Hello-World/pull/2",
    diff_url: "https://github.com/Codertocat/Hello-World/pull/2.diff",
    patch_url: "https://github.com/Codertocat/Hello-World/pull/2.patch",
  };
  return p;
}

/** The same example on an issue of `store` (e.g. an appeal issue in the appeals repository). */
export function storeIssueCommentPayload(
  store: IssueStore,
  number: number,
  body: string,
  opts: { user?: Json; commentId?: number } = {},
): Json {
  const p = issueCommentPayload(body, opts);
  const [owner, name] = store.fullName.split("/") as [string, string];
  p.repository = { ...p.repository, name, full_name: store.fullName, html_url: store.html };
  p.repository.owner = { ...p.repository.owner, login: owner };
  p.issue = { ...p.issue, ...store.issueJson(store.issue(number)) };
  delete p.issue.pull_request;
  return p;
}

export function commitCommentPayload(body: string, opts: { user?: Json } = {}): Json {
  const p = example("commit_comment", (e) => e.action === "created" && e.installation);
  p.comment.body = body;
  if (opts.user) p.comment.user = p.sender = { ...p.comment.user, ...opts.user };
  return p;
}

/** Decodes the HTML entities escapeMarkdown writes, to read escaped text back in assertions. */
export const plain = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));

// ---- the scenario every appeals test starts from ------------------------------------------------------

export const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const SKILL_REPO = "Codertocat/Hello-World";
export const APPEALS_REPO = "Codertocat/skill-appeals";
/** The skill repository's own config: only what adds strictness (a repository cannot name the appeals repository). */
export const CONFIG = "blocklist:\n  domains: [blocked-host.invalid]\n";
export const PR_URL = "https://github.com/Codertocat/Hello-World/pull/2";
/** The comment id of the published issue_comment example. */
export const COMMENT_ID = 492700400;

export type Layout = Record<string, Record<string, string>>;
export const NOTES = skillFiles("clean-notes");
/** SUSPICIOUS: instructions to the agent hidden in an HTML comment. */
export const FORMATTER = skillFiles("suspicious-formatter");
export const FORMATTER_ID = "skills/suspicious-formatter";
/** A pull request adding the formatter next to a clean skill. */
export const HEAD_LAYOUT: Layout = { "skills/clean-notes": NOTES, "skills/suspicious-formatter": FORMATTER };
export const BASE_LAYOUT: Layout = { "skills/clean-notes": NOTES };

export class World {
  readonly probot: Probot;
  readonly gh = new GitHub(SKILL_REPO);
  readonly s = new Script(this.gh);
  readonly skillRepo = new IssueStore(SKILL_REPO);
  readonly appeals: IssueStore;
  private tokened = false;

  /** `appealsRepo`: where the App keeps appeals (the skill repository itself when no operator pins one). */
  constructor(options: AppOptions = {}, appealsRepo = APPEALS_REPO) {
    this.probot = makeProbot({ ...appOptions, ...options });
    this.appeals = appealsRepo === SKILL_REPO ? this.skillRepo : new IssueStore(appealsRepo);
  }

  /** The installation token: requested once per Probot instance (Probot caches it). */
  token() {
    if (!this.tokened) this.gh.token();
    this.tokened = true;
    return this;
  }

  lines() {
    return this.gh.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
  }

  posted(path: string) {
    return this.gh.requests.filter((r) => r.method === "POST" && r.path.endsWith(path));
  }

  /** Requests of a scan of `sha` (config, appeals state, tarballs) in the skill repository. */
  async scan(
    sha: string,
    layout: Layout,
    base?: { sha: string; layout: Layout },
    state: { decided?: number[]; trackers?: number[] } = {},
  ) {
    this.gh.config(CONFIG);
    this.s.appealsState(this.appeals, state);
    this.gh.tarball(sha, await repoArchive(layout));
    if (base) this.gh.tarball(base.sha, await repoArchive(base.layout));
    return this;
  }

  /**
   * A check run on `sha` as the flow after a decision or a push makes it; `open`: the open appeals
   * whose comments the re-scan reads afterwards (to report only a new content hash).
   */
  async checkRun(
    id: number,
    sha: string,
    layout: Layout,
    base?: { sha: string; layout: Layout },
    state: { decided?: number[]; trackers?: number[]; open?: number[] } = {},
  ) {
    this.gh.listRuns(sha).createRun(id);
    await this.scan(sha, layout, base, state);
    for (const n of state.open ?? []) this.s.comments(this.appeals, n);
    return this;
  }

  /** The PR #2 read and the redelivery check, then the permission of `user` on the skill's repository. */
  prStart(user = "Codertocat", permission: string | number = "admin", times = 1) {
    this.token();
    this.gh.pull(2, {
      head: { sha: HEAD },
      base: { sha: BASE },
      user: { login: "Codertocat" },
      html_url: PR_URL,
    });
    this.s.comments(this.skillRepo, 2).permission(SKILL_REPO, user, permission, times);
    return this;
  }

  /**
   * `/appeal` on PR #2 accepted: opens appeal issue(s) in the appeals repository. Returns the new
   * issue numbers and forgets the requests, so a test asserts only what follows.
   */
  async appealOnPr(
    opts: { layout?: Layout; severity?: string; issues?: number; delivery?: string; body?: string } = {},
  ) {
    const before = new Set(this.appeals.issues.keys());
    this.prStart();
    await this.scan(HEAD, opts.layout ?? HEAD_LAYOUT, { sha: BASE, layout: BASE_LAYOUT });
    const wanted = ["quarantine-appeal", "review:pending", `severity:${opts.severity ?? "SUSPICIOUS"}`];
    this.s.labels(
      this.appeals,
      wanted.filter((l) => !this.appeals.labels.has(l)),
    );
    for (let i = 0; i < (opts.issues ?? 1); i++) this.s.createIssue(this.appeals);
    this.s.react(SKILL_REPO, "issue", COMMENT_ID).comment(this.skillRepo, 2);
    await this.probot.receive({
      id: opts.delivery ?? `d-appeal-${before.size}`,
      name: "issue_comment",
      payload: prCommentPayload(
        opts.body ?? "/appeal The HTML comment is a note for maintainers, not for the agent.",
      ),
    });
    this.gh.requests.length = 0;
    return [...this.appeals.issues.keys()].filter((n) => !before.has(n));
  }

  /** A comment in the appeals repository on issue `number`. */
  async commentOn(number: number, body: string, user: Json, id: number, delivery = `d-${id}`) {
    await this.probot.receive({
      id: delivery,
      name: "issue_comment",
      payload: storeIssueCommentPayload(this.appeals, number, body, { user, commentId: id }),
    });
  }
}

/**
 * No network for the file; after each test, no request without an interceptor, none expected that
 * never came, and every body valid against GitHub's OpenAPI description (and, with `checks`, the
 * Checks API schema).
 */
export function guardGitHub(current: () => GitHub, opts: { checks?: boolean } = {}): void {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(async () => {
    try {
      expect(unmatched, "requests without an interceptor").toEqual([]);
      expect(nock.pendingMocks(), "expected requests that never came").toEqual([]);
      const gh = current();
      expect(await requestSchemaErrors(gh), "bodies against GitHub's OpenAPI description").toEqual([]);
      if (opts.checks !== false) expect(await gh.schemaErrors(), "Checks API bodies").toEqual([]);
    } finally {
      nock.cleanAll();
      unmatched.length = 0;
    }
  });
}
