import type { ApplicationFunction, Context } from "probot";
import type { TarballLimits } from "../sources/tarball.js";
import { DEFAULT_POLICY_PATH } from "./config.js";
import type { AppEnv } from "./env.js";
import { attachBudget, sharedWriteLimiter, type WriteLimiter } from "./github/budget.js";
import { appBotLogin, installationIdOf } from "./github/installations.js";
import { handleCommitComment, handleIssueComment } from "./handlers/handle-comment.js";
import { handlePullRequest, PULL_REQUEST_EVENTS } from "./handlers/handle-pull-request.js";
import { handlePush } from "./handlers/handle-push.js";
import { handleRequestedAction } from "./handlers/handle-requested-action.js";
import { handleCheckRunRerequested, handleCheckSuiteRerequested } from "./handlers/handle-rerun.js";
import { type Engine, loadEngine } from "./scan/engine.js";
import { DEFAULT_QUICK_RESULT_MS, DEFAULT_RUN_DEADLINE_MS } from "./scan/run-lifecycle.js";
import { runnerEngine, sharedScanPool } from "./scan/scan-pool.js";

// The App: maps webhook events to handlers, nothing else. Handlers are small named functions that
// take the Probot context (octokit, payload, logger) and the App's settings.

export interface AppOptions {
  /** This App's id: check runs and suites of other apps are ignored. Defaults to APP_ID. */
  appId?: number;
  /** Limits of the tarball reader (see src/sources/tarball.ts for the defaults). */
  tarballLimits?: Partial<TarballLimits>;
  /** Clock, for tests. */
  now?: () => Date;
  /** An in-progress run older than this is ended (or taken over by its redelivery). Default: the run deadline + 1 minute. */
  staleAfterMs?: number;
  /** A run without a verdict after this ends as "not scanned". Default RUN_DEADLINE_MS, else 5 minutes. */
  runDeadlineMs?: number;
  /** The App's slug (its bot is `<slug>[bot]`). Default APP_SLUG, else asked once from GitHub (GET /app). */
  appSlug?: string;
  /** Key that signs the App's hidden markers. Default MARKER_SECRET, else WEBHOOK_SECRET. */
  markerSecret?: string;
  /** Pins the appeals repository for every installation (owner/name). Default APPEALS_REPOSITORY. */
  appealsRepository?: string;
  /** The operator's policy repository (owner/name, or `{owner}/.github`). Default POLICY_REPOSITORY. */
  policyRepository?: string;
  /** The policy file's path in it. Default POLICY_PATH, else `.github/skill-quarantine-policy.yml`. */
  policyPath?: string;
  /**
   * Where scans run: "worker" (default: worker threads with a time budget, SCAN_TIMEOUT_MS and
   * SCAN_WORKERS), "in-process" (on the calling thread, for tests), or an engine of one's own.
   */
  engine?: "worker" | "in-process" | (() => Promise<Engine>);
  /** A scan with a verdict before this creates its run completed (one request). Default QUICK_RESULT_MS, else 10 s. */
  quickResultMs?: number;
  /** Spaces each installation's writes (src/app/github/budget.ts). Default: Redis at REDIS_URL, else memory. */
  writeLimiter?: WriteLimiter;
}

interface Sender {
  type?: string;
  login?: string;
}

const senderOf = (context: Pick<Context, "payload">) => (context.payload as { sender?: Sender }).sender;

/** A bot account: GitHub Apps and other automation (their logins end in `[bot]`, which people cannot register). */
export function isBot(user: Sender | null | undefined): boolean {
  return user?.type === "Bot" || /\[bot\]$/i.test(user?.login ?? "");
}

/**
 * Only the App's own events are ignored (DESIGN "GitHub App flows" 6): a workflow or another App that
 * pushes a skill is scanned like a person. The bot login is asked only when the sender is a bot, and
 * when it cannot be learnt the event is handled: a needless scan is safer than a skipped one.
 */
export async function isOwnEvent(context: Pick<Context, "payload">, env: AppEnv): Promise<boolean> {
  const sender = senderOf(context);
  if (!isBot(sender)) return false;
  const login = await env.appLogin().catch(() => undefined);
  return login !== undefined && login.toLowerCase() === (sender?.login ?? "").toLowerCase();
}

/** Comment commands are for people: a bot's `/appeal` or `/approve` counts for nothing. */
function isBotComment(context: Pick<Context, "payload">): boolean {
  const comment = (context.payload as { comment?: { user?: Sender | null } }).comment;
  return isBot(senderOf(context)) || isBot(comment?.user);
}

type Handler<E extends Context> = (context: E, env: AppEnv) => Promise<void>;

/**
 * The one entry of every handler: each log line of the delivery names it, its installation and its
 * repository, and every request it makes to GitHub is under its installation's write budget.
 */
function enter(context: Context, limiter: () => WriteLimiter): void {
  const payload = context.payload as { installation?: { id?: number }; repository?: { full_name?: string } };
  const installationId = payload.installation?.id;
  context.log = context.log.child({
    deliveryId: context.id,
    installationId,
    repository: payload.repository?.full_name,
  });
  if (installationId !== undefined) attachBudget(context.octokit, installationId, limiter(), context.log);
}

function guarded<E extends Context>(env: AppEnv, handler: Handler<E>, kind: "scan" | "command" = "scan") {
  return async (context: E): Promise<void> => {
    enter(context, env.writeLimiter);
    const ignore = kind === "command" ? isBotComment(context) : await isOwnEvent(context, env);
    if (ignore) {
      context.log.debug(
        { deliveryId: context.id, event: context.name },
        kind === "command" ? "command by a bot: ignored" : "the App's own event: ignored",
      );
      return;
    }
    await handler(context, env);
  };
}

function positiveMs(name: string): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive number of milliseconds, not "${raw}"`);
  return n;
}

/** The events createApp registers handlers for (as `event` or `event.action`); the web process queues only these. */
export const HANDLED_EVENTS: readonly string[] = [
  "push",
  ...PULL_REQUEST_EVENTS,
  "check_run.rerequested",
  "check_run.requested_action",
  "check_suite.rerequested",
  "issue_comment.created",
  "commit_comment.created",
];

export function handlesEvent(name: string, payload: unknown): boolean {
  const action = (payload as { action?: unknown } | null)?.action;
  return (
    HANDLED_EVENTS.includes(name) ||
    (typeof action === "string" && HANDLED_EVENTS.includes(`${name}.${action}`))
  );
}

export function createApp(options: AppOptions = {}): ApplicationFunction {
  const envAppId = Number(process.env.APP_ID);
  const slug = options.appSlug ?? (process.env.APP_SLUG?.trim() || undefined);
  const markerKey = options.markerSecret ?? (process.env.MARKER_SECRET || process.env.WEBHOOK_SECRET || "");
  const appealsRepository =
    options.appealsRepository ?? (process.env.APPEALS_REPOSITORY?.trim() || undefined);
  if (appealsRepository !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(appealsRepository))
    throw new Error(`APPEALS_REPOSITORY must be owner/name, not "${appealsRepository}"`);
  const policyRepository = options.policyRepository ?? (process.env.POLICY_REPOSITORY?.trim() || undefined);
  if (policyRepository !== undefined && !/^(\{owner\}|[\w.-]+)\/[\w.-]+$/.test(policyRepository))
    throw new Error(`POLICY_REPOSITORY must be owner/name or {owner}/.github, not "${policyRepository}"`);
  const policyPath = options.policyPath ?? (process.env.POLICY_PATH?.trim() || DEFAULT_POLICY_PATH);
  const runDeadlineMs = options.runDeadlineMs ?? positiveMs("RUN_DEADLINE_MS") ?? DEFAULT_RUN_DEADLINE_MS;
  const quickResultMs = options.quickResultMs ?? positiveMs("QUICK_RESULT_MS") ?? DEFAULT_QUICK_RESULT_MS;
  const ownLimiter = options.writeLimiter;
  const writeLimiter = ownLimiter ? () => ownLimiter : sharedWriteLimiter;
  let workerEngine: Promise<Engine> | undefined;
  const engine =
    typeof options.engine === "function"
      ? options.engine
      : options.engine === "in-process"
        ? loadEngine
        : () => {
            workerEngine ??= runnerEngine(sharedScanPool());
            workerEngine.catch(() => {
              workerEngine = undefined;
            });
            return workerEngine;
          };
  return (app) => {
    let login: Promise<string> | undefined = slug ? Promise.resolve(`${slug}[bot]`) : undefined;
    const env: AppEnv = {
      appId: options.appId ?? (Number.isInteger(envAppId) && envAppId > 0 ? envAppId : undefined),
      tarballLimits: options.tarballLimits ?? {},
      now: options.now ?? (() => new Date()),
      runDeadlineMs,
      quickResultMs,
      writeLimiter,
      engine,
      // A live run ends itself by its deadline; one still in progress a minute later was abandoned.
      staleAfterMs: options.staleAfterMs ?? runDeadlineMs + 60_000,
      markerKey,
      appealsRepository,
      policy: policyRepository ? { repository: policyRepository, path: policyPath } : undefined,
      // The bot login is asked once per process (GET /app with the App's JWT) unless configured.
      appLogin: () => {
        login ??= app.auth().then(appBotLogin);
        login.catch(() => {
          login = undefined;
        });
        return login;
      },
      installationOctokit: async (owner, repo) => {
        const id = await installationIdOf(await app.auth(), { owner, repo });
        const octokit = await app.auth(id);
        attachBudget(octokit, id, writeLimiter(), app.log);
        return octokit;
      },
    };
    if (!markerKey)
      app.log.warn(
        "neither MARKER_SECRET nor WEBHOOK_SECRET is set: the App's markers are signed with an empty key and can be forged",
      );
    app.on("push", guarded(env, handlePush));
    app.on([...PULL_REQUEST_EVENTS], guarded(env, handlePullRequest));
    app.on("check_run.rerequested", guarded(env, handleCheckRunRerequested));
    app.on("check_run.requested_action", guarded(env, handleRequestedAction));
    app.on("check_suite.rerequested", guarded(env, handleCheckSuiteRerequested));
    app.on("issue_comment.created", guarded(env, handleIssueComment, "command"));
    app.on("commit_comment.created", guarded(env, handleCommitComment, "command"));
  };
}

export default createApp();
