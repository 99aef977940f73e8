import type { ApplicationFunction, Context } from "probot";
import type { TarballLimits } from "../sources/tarball.js";
import { DEFAULT_POLICY_PATH } from "./config.js";
import { handleCommitComment, handleIssueComment } from "./handle-comment.js";
import { handlePullRequest, PULL_REQUEST_EVENTS } from "./handle-pull-request.js";
import { handlePush } from "./handle-push.js";
import { handleRequestedAction } from "./handle-requested-action.js";
import { handleCheckRunRerequested, handleCheckSuiteRerequested } from "./handle-rerun.js";
import type { AppEnv } from "./run-check.js";

// The App: maps webhook events to handlers, nothing else. Handlers are small named functions that
// take the Probot context (octokit, payload, logger) and the App's settings.

export interface AppOptions {
  /** This App's id: check runs and suites of other apps are ignored. Defaults to APP_ID. */
  appId?: number;
  /** Limits of the tarball reader (see src/sources/tarball.ts for the defaults). */
  tarballLimits?: Partial<TarballLimits>;
  /** Clock, for tests. */
  now?: () => Date;
  /** An in-progress run older than this is taken over on redelivery. Default 15 minutes. */
  staleAfterMs?: number;
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
}

/** Bots (this App included) never trigger a scan: no loops, no scans on behalf of automation. */
export function isBot(context: Pick<Context, "payload">): boolean {
  const sender = (context.payload as { sender?: { type?: string; login?: string } }).sender;
  return sender?.type === "Bot" || /\[bot\]$/.test(sender?.login ?? "");
}

type Handler<E extends Context> = (context: E, env: AppEnv) => Promise<void>;

function guarded<E extends Context>(env: AppEnv, handler: Handler<E>) {
  return async (context: E): Promise<void> => {
    if (isBot(context)) {
      context.log.debug({ deliveryId: context.id, event: context.name }, "event sent by a bot: ignored");
      return;
    }
    await handler(context, env);
  };
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
  return (app) => {
    let login: Promise<string> | undefined = slug ? Promise.resolve(`${slug}[bot]`) : undefined;
    const env: AppEnv = {
      appId: options.appId ?? (Number.isInteger(envAppId) && envAppId > 0 ? envAppId : undefined),
      tarballLimits: options.tarballLimits ?? {},
      now: options.now ?? (() => new Date()),
      staleAfterMs: options.staleAfterMs ?? 15 * 60 * 1000,
      markerKey,
      appealsRepository,
      policy: policyRepository ? { repository: policyRepository, path: policyPath } : undefined,
      // The bot login is asked once per process (GET /app with the App's JWT) unless configured.
      appLogin: () => {
        login ??= app
          .auth()
          .then((jwt) => jwt.rest.apps.getAuthenticated())
          .then(({ data }) => {
            if (!data?.slug) throw new Error("GET /app returned no slug");
            return `${data.slug}[bot]`;
          });
        login.catch(() => {
          login = undefined;
        });
        return login;
      },
      installationOctokit: async (owner, repo) => {
        const jwt = await app.auth();
        const { data } = await jwt.rest.apps.getRepoInstallation({ owner, repo });
        return app.auth(data.id);
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
    app.on("issue_comment.created", guarded(env, handleIssueComment));
    app.on("commit_comment.created", guarded(env, handleCommitComment));
  };
}

export default createApp();
