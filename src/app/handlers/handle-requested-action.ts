import type { Context } from "probot";
import { loadOperatorConfig } from "../config.js";
import type { AppEnv } from "../env.js";
import {
  ACTIONS,
  CHECK_NAME,
  cutToBytes,
  readCheckRun,
  replaceCheckRunOutput,
  SUMMARY_MAX_BYTES,
} from "../github/check-runs.js";
import { APPEAL_HELP_MARKER, appealHelp } from "../scan/scan-and-report.js";
import { isOurs, rescanCheckRun } from "./handle-rerun.js";

/** A button on our check run: "Re-scan" re-scans the commit, "How to appeal" shows the appeal steps. */
export async function handleRequestedAction(
  context: Context<"check_run.requested_action">,
  env: AppEnv,
): Promise<void> {
  const { check_run: run, requested_action } = context.payload;
  if (!isOurs(run.app, env, run.name)) return;
  switch (requested_action?.identifier) {
    case ACTIONS.rescan.identifier:
      return rescanCheckRun(context, env);
    case ACTIONS.appeal.identifier:
      return showAppealHelp(context, env);
    default:
      context.log.info(
        { deliveryId: context.id, identifier: requested_action?.identifier },
        "unknown check run action ignored",
      );
  }
}

/**
 * Moves the appeal steps to the top of the run's summary, where the person who pressed the button
 * looks. Reads the run first and writes only when the steps are not already on top.
 */
export async function showAppealHelp(
  context: Context<"check_run.requested_action">,
  env: AppEnv,
): Promise<void> {
  const { check_run, repository } = context.payload;
  const ref = { owner: repository.owner.login, repo: repository.name };
  const run = await readCheckRun(context.octokit, ref, check_run.id);
  const summary = run.output.summary ?? "";
  if (summary.startsWith(APPEAL_HELP_MARKER)) return;
  // The appeals repository is the operator's to name (DESIGN "Non-bypassable"), never the repository's.
  const { config } = await loadOperatorConfig(context, env, ref);
  const help = appealHelp(config.appealsRepository);
  const at = summary.indexOf(APPEAL_HELP_MARKER);
  const rest = (at >= 0 ? summary.slice(0, at) : summary).trimEnd();
  await replaceCheckRunOutput(context.octokit, ref, run.id, {
    title: run.output.title ?? CHECK_NAME,
    summary: cutToBytes(
      `${help}\n\n---\n\n${rest}`,
      SUMMARY_MAX_BYTES,
      "_Summary cut at GitHub's 65 535-byte limit._",
    ),
    ...(run.output.text ? { text: run.output.text } : {}),
  });
}
