import type { Command } from "commander";
import { parseFullName } from "../appeals/repo-ref.js";
import { sweepOverdue } from "../appeals/sweep.js";

// `skill-quarantine appeals sweep --repo owner/name`: labels the open appeals of the GitHub App's
// appeals repository that are past their review deadline `review:overdue`, with one comment each.
// Meant for a scheduled workflow in the appeals repository (examples/workflows/appeals-sweep.yml).
// Token: GITHUB_TOKEN (or GH_TOKEN) with issues: write; GITHUB_API_URL for GitHub Enterprise Server.

interface SweepFlags {
  repo: string;
  app?: string;
  dryRun?: boolean;
}

export function registerAppeals(program: Command): void {
  const appeals = program.command("appeals").description("maintain the GitHub App's appeals repository");
  appeals
    .command("sweep")
    .description("label open appeals past their review deadline review:overdue, and comment once")
    .requiredOption("--repo <owner/name>", "the appeals repository")
    .option("--app <login>", "only appeals opened by this App (its slug or bot login, e.g. skill-quarantine)")
    .option("--dry-run", "list the overdue appeals without changing anything")
    .action(async (flags: SweepFlags) => {
      if (!/^[\w.-]+\/[\w.-]+$/.test(flags.repo))
        throw new Error(`--repo must be owner/name, not "${flags.repo}"`);
      const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
      if (!token)
        throw new Error(
          "GITHUB_TOKEN is not set; give a token that may write issues in the appeals repository",
        );
      // @octokit/rest: the REST client made for a command line (no App framework loaded for a sweep).
      const { Octokit } = await import("@octokit/rest");
      const octokit = new Octokit({
        auth: token,
        userAgent: "skill-quarantine-cli",
        ...(process.env.GITHUB_API_URL ? { baseUrl: process.env.GITHUB_API_URL } : {}),
      });
      const appLogin = flags.app
        ? flags.app.endsWith("[bot]")
          ? flags.app
          : `${flags.app}[bot]`
        : undefined;
      const found = await sweepOverdue(octokit, parseFullName(flags.repo), {
        now: new Date(),
        appLogin,
        dryRun: flags.dryRun,
      });
      const verb = {
        labelled: "labelled review:overdue",
        already: "already labelled",
        "dry-run": "would label",
      };
      for (const o of found)
        process.stdout.write(
          `#${o.number} ${o.level} due ${o.due.slice(0, 10)}: ${verb[o.action]} (${o.url})\n`,
        );
      const n = found.filter((o) => o.action !== "already").length;
      process.stdout.write(
        `${found.length} overdue appeal(s) in ${flags.repo}; ${n} ${flags.dryRun ? "to label" : "newly labelled"}.\n`,
      );
    });
}
