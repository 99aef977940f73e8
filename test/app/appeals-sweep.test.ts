import "./polyfill.js";
import { describe, expect, it, vi } from "vitest";
import { writeMarker } from "../../src/appeals/markers.js";
import { sweepOverdue } from "../../src/appeals/sweep.js";
import { main } from "../../src/cli/main.js";
import {
  APP_LOGIN,
  APPEALS_REPO,
  CODERTOCAT,
  guardGitHub,
  IssueStore,
  KEY,
  Script,
} from "./appeals-helpers.js";
import { GitHub, NOW, TestOctokit } from "./helpers.js";

// Overdue reviews: `skill-quarantine appeals sweep --repo owner/name` (and the function behind it)
// labels open appeals past the latest date of their deadline `review:overdue` and comments once.

let gh: GitHub;
let s: Script;
let store: IssueStore;

guardGitHub(() => gh, { checks: false });

function appealBody(due: [string, string], level = "SUSPICIOUS") {
  return `${writeMarker(
    "appeal",
    {
      skillId: "skills/suspicious-formatter",
      contentHash: "a".repeat(64),
      repo: "Codertocat/Hello-World",
      sha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
      level: level as "SUSPICIOUS",
      author: "Codertocat",
      appellant: "Codertocat",
      opened: "2025-12-20T00:00:00.000Z",
      due,
      url: "https://github.com/Codertocat/Hello-World/pull/2",
      html: "https://github.com/Codertocat/Hello-World",
      findings: [],
      source: 1,
      via: "appeal",
    },
    KEY,
  )}\n### Appeal`;
}

const PAST: [string, string] = ["2025-12-23T00:00:00.000Z", "2025-12-27T00:00:00.000Z"];
const FUTURE: [string, string] = ["2999-01-01T00:00:00.000Z", "2999-01-05T00:00:00.000Z"];
const appealLabels = () => ["quarantine-appeal", "severity:SUSPICIOUS", "review:pending"];

function seed() {
  gh = new GitHub(APPEALS_REPO);
  s = new Script(gh);
  store = new IssueStore(APPEALS_REPO);
  store.addIssue({ body: appealBody(PAST), labels: appealLabels() }); // #100: overdue
  store.addIssue({ body: appealBody(FUTURE), labels: appealLabels() }); // #101: not yet due
  store.addIssue({ body: appealBody(PAST), labels: appealLabels(), user: CODERTOCAT }); // #102: not the App's
  store.addIssue({ body: appealBody(PAST), labels: appealLabels(), state: "closed" }); // #103: closed
}

const octokit = () => new TestOctokit({ auth: { token: "ghs_workflow" } });

describe("appeals sweep", () => {
  it("labels an overdue appeal review:overdue with one comment; a second run changes nothing", async () => {
    seed();
    s.openAppeals(store)
      .comments(store, 100)
      .comment(store, 100)
      .labels(store, ["review:overdue"])
      .addLabels(store, 100);
    const found = await sweepOverdue(
      octokit(),
      { owner: "Codertocat", repo: "skill-appeals" },
      { now: NOW, appLogin: APP_LOGIN },
    );
    expect(found).toEqual([
      {
        number: 100,
        url: "https://github.com/Codertocat/skill-appeals/issues/100",
        level: "SUSPICIOUS",
        due: PAST[1],
        action: "labelled",
      },
    ]);
    expect(gh.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual([
      "GET /repos/Codertocat/skill-appeals/issues",
      "GET /repos/Codertocat/skill-appeals/issues/100/comments",
      "POST /repos/Codertocat/skill-appeals/issues/100/comments",
      "GET /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/issues/100/labels",
    ]);
    expect(gh.requests[0]!.path).toBe(
      "/repos/Codertocat/skill-appeals/issues?labels=quarantine-appeal&state=open",
    );
    const comment: string = gh.requests[2]!.body.body;
    expect(comment).toContain(
      "⏰ **Review overdue.** This SUSPICIOUS appeal was due for a decision between 2025-12-23 and 2025-12-27",
    );
    expect(gh.requests[4]!.body).toEqual({
      name: "review:overdue",
      color: "e99695",
      description: "Past its review deadline",
    });
    expect(gh.requests[5]!.body).toEqual({ labels: ["review:overdue"] });

    // Second run: the label is there; nothing is written.
    gh.requests.length = 0;
    s.openAppeals(store);
    const again = await sweepOverdue(
      octokit(),
      { owner: "Codertocat", repo: "skill-appeals" },
      { now: NOW, appLogin: APP_LOGIN },
    );
    expect(again.map((o) => o.action)).toEqual(["already"]);
    expect(gh.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("a run that stopped after commenting does not comment twice", async () => {
    seed();
    store.addComment(100, `${writeMarker("overdue", { due: PAST[1] }, "")}\n⏰ overdue`, {
      login: "github-actions[bot]",
      id: 41898282,
      type: "Bot",
    });
    s.openAppeals(store).comments(store, 100).labels(store, ["review:overdue"]).addLabels(store, 100);
    const found = await sweepOverdue(
      octokit(),
      { owner: "Codertocat", repo: "skill-appeals" },
      { now: NOW, appLogin: APP_LOGIN },
    );
    expect(found.map((o) => o.action)).toEqual(["labelled"]);
    expect(gh.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments"))).toEqual([]);
  });

  it("the CLI: `appeals sweep --repo … --app … --dry-run` lists without writing; no token is a usage error", async () => {
    seed();
    s.openAppeals(store);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((c) => {
      out.push(String(c));
      return true;
    });
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const saved = { token: process.env.GITHUB_TOKEN, gh: process.env.GH_TOKEN, code: process.exitCode };
    try {
      process.env.GITHUB_TOKEN = "ghs_workflow";
      await main([
        "node",
        "skill-quarantine",
        "appeals",
        "sweep",
        "--repo",
        APPEALS_REPO,
        "--app",
        "skill-quarantine",
        "--dry-run",
      ]);
      expect(process.exitCode ?? 0).toBe(0);
      expect(out.join("")).toBe(
        "#100 SUSPICIOUS due 2025-12-27: would label (https://github.com/Codertocat/skill-appeals/issues/100)\n" +
          "1 overdue appeal(s) in Codertocat/skill-appeals; 1 to label.\n",
      );
      expect(gh.requests.map((r) => r.method)).toEqual(["GET"]);

      delete process.env.GITHUB_TOKEN;
      delete process.env.GH_TOKEN;
      await main(["node", "skill-quarantine", "appeals", "sweep", "--repo", APPEALS_REPO]);
      expect(process.exitCode).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join("")).toContain("GITHUB_TOKEN is not set");
    } finally {
      spy.mockRestore();
      err.mockRestore();
      process.exitCode = saved.code;
      if (saved.token !== undefined) process.env.GITHUB_TOKEN = saved.token;
      if (saved.gh !== undefined) process.env.GH_TOKEN = saved.gh;
    }
  });
});
