import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run } from "../src/action/main.js";
import { commitFiles, GIT_ENV, git, tempDirs } from "./git-fixtures.js";

// Trust tiers in the Action: the publisher is github.repository_owner (GITHUB_REPOSITORY_OWNER), the
// verified publishers are the operator's config, which on a pull request is the base commit's. A pull
// request that adds its own owner to the list stays unverified; the JSON report, the SARIF file and
// the job summary show the tier.

const CONFIG = ".github/skill-quarantine.yml";
const TRUST = "trust:\n  verified-publishers: [octo-org]\n";
const NOTES = [
  "---",
  "name: meeting-notes",
  "description: Turns rough meeting notes into a short summary. Use when the user pastes notes.",
  "license: MIT",
  "---",
  "# Meeting notes",
  "",
  "List the decisions, then the action items.",
  "",
].join("\n");

const tmp = tempDirs("tiers");
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

const commit = commitFiles;

// One runner folder for every run: @actions/core keeps the job summary's path after its first write.
let runner: string | undefined;

/** Runs the Action in-process on a pull request from `base` to `head` of the work tree `ws`. */
async function runOnPr(ws: string, base: string, head: string) {
  runner ??= tmp("runner");
  const files = runner;
  writeFileSync(join(files, "output.txt"), "");
  writeFileSync(join(files, "summary.md"), "");
  const payload = {
    action: "synchronize",
    pull_request: { number: 7, base: { sha: base }, head: { sha: head } },
  };
  writeFileSync(join(files, "event.json"), JSON.stringify(payload));
  for (const k of Object.keys(process.env)) if (/^(GITHUB_|INPUT_|RUNNER_)/.test(k)) delete process.env[k];
  Object.assign(process.env, GIT_ENV, {
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: join(files, "output.txt"),
    GITHUB_STEP_SUMMARY: join(files, "summary.md"),
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: join(files, "event.json"),
    GITHUB_REPOSITORY: "octo-org/skills",
    GITHUB_REPOSITORY_OWNER: "octo-org",
    RUNNER_TEMP: files,
    INPUT_PATH: ".",
    "INPUT_BASELINE-REF": "none",
  });
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  await run();
  const read = (name: string) => readFileSync(join(files, name), "utf8");
  return {
    report: JSON.parse(read("skill-quarantine.json")) as { skills: { trust: unknown }[] },
    sarif: JSON.parse(read("skill-quarantine.sarif")) as {
      runs: { properties: { skills: { trust: unknown }[] } }[];
    },
    summary: read("summary.md"),
  };
}

describe("the Action's trust tier", () => {
  it("the base commit's config lists the repository owner: verified publisher in the report, SARIF and job summary", async () => {
    const ws = tmp("repo");
    git(ws, "init", "-q", "-b", "main");
    const base = commit(ws, { "skills/meeting-notes/SKILL.md": NOTES, [CONFIG]: TRUST });
    const head = commit(ws, { "skills/meeting-notes/extra.md": "More notes.\n" });
    const r = await runOnPr(ws, base, head);
    const tier = { tier: "verified-publisher", by: "octo-org", at: null };
    expect(r.report.skills.map((s) => s.trust)).toEqual([tier]);
    expect(r.sarif.runs[0]!.properties.skills.map((s) => s.trust)).toEqual([tier]);
    expect(r.summary).toContain("🟢 verified publisher octo-org");
  }, 60_000);

  it("a pull request that adds its own owner to the list stays unverified", async () => {
    const ws = tmp("repo");
    git(ws, "init", "-q", "-b", "main");
    const base = commit(ws, { "skills/meeting-notes/SKILL.md": NOTES });
    const head = commit(ws, { [CONFIG]: TRUST });
    const r = await runOnPr(ws, base, head);
    expect(r.report.skills.map((s) => s.trust)).toEqual([{ tier: "unverified", by: null, at: null }]);
    expect(r.summary).toContain("🟡 unverified");
  }, 60_000);
});
