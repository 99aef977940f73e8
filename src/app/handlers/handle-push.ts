import type { Context } from "probot";
import type { AppEnv } from "../env.js";
import { runCheck } from "../scan/scan-and-report.js";

const ZERO_SHA = /^0+$/;

/**
 * `push` to a branch: scan the new head against the `before` commit. A deleted branch, a tag and a
 * new branch's missing baseline are handled here; everything else is the shared check flow.
 */
export async function handlePush(context: Context<"push">, env: AppEnv): Promise<void> {
  const p = context.payload;
  if (p.deleted || ZERO_SHA.test(p.after)) {
    context.log.debug({ deliveryId: context.id, ref: p.ref }, "branch deleted: nothing to scan");
    return;
  }
  if (!p.ref.startsWith("refs/heads/")) {
    context.log.debug({ deliveryId: context.id, ref: p.ref }, "not a branch: nothing to scan");
    return;
  }
  const owner = p.repository.owner?.login ?? p.repository.full_name.split("/")[0]!;
  await runCheck(
    context,
    {
      owner,
      repo: p.repository.name,
      sha: p.after,
      baseSha: p.created || ZERO_SHA.test(p.before) ? undefined : p.before,
      author: owner,
      htmlUrl: p.repository.html_url,
      appealUrl: `${p.repository.html_url}/commit/${p.after}`,
    },
    env,
  );
}
