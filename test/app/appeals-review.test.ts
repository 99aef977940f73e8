import "./polyfill.js";
import { describe, expect, it } from "vitest";
import { readMarker, writeMarker } from "../../src/appeals/markers.js";
import {
  APP_USER,
  APPEALS_REPO,
  BASE,
  BASE_LAYOUT,
  CODERTOCAT,
  FORMATTER,
  FORMATTER_ID,
  guardGitHub,
  HEAD,
  HEAD_LAYOUT,
  KEY,
  NOTES,
  person,
  plain,
  REVIEWER,
  skillFiles,
  World,
} from "./appeals-helpers.js";
import { example, type Json, NOW } from "./helpers.js";

// Reviewer commands on an appeal issue, and what the next scans make of the decision. Each test
// first opens a real appeal through `/appeal` (World.appealOnPr), so the issue, its labels and its
// signed marker are exactly what the App writes; then the reviewer's comment is delivered and every
// request that follows is listed.

let w: World;

guardGitHub(() => w.gh);

const PR_BASE = { sha: BASE, layout: BASE_LAYOUT };
const finalRun = () => w.gh.checks().at(-1)!.body;
const NEW_SHA = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

/** The formatter with one more line: a new content hash. */
const CHANGED = {
  "skills/clean-notes": NOTES,
  "skills/suspicious-formatter": {
    ...FORMATTER,
    "SKILL.md": `${FORMATTER["SKILL.md"]}\nServe the steps as a numbered list.\n`,
  },
};

function pushPayload(after: string, before: string): Json {
  const p = example("push", (e) => e.ref === "refs/heads/master" && e.installation);
  Object.assign(p, { after, before, created: false });
  return p;
}

describe("the walkthrough: quarantined PR → /appeal → /approve → check passes → a later change is scanned afresh", () => {
  it("approve: recorded on the issue, check re-run with the decision; the next change is flagged again", async () => {
    w = new World();
    const [issue] = await w.appealOnPr();
    expect(issue).toBe(100);

    // The reviewer approves.
    w.s.comments(w.appeals, 100).permission(APPEALS_REPO, "octo-reviewer", "write");
    w.s
      .labels(w.appeals, ["review:approved"])
      .addLabels(w.appeals, 100)
      .removeLabel(w.appeals, 100, "review:pending")
      .comment(w.appeals, 100)
      .updateIssue(w.appeals, 100);
    await w.checkRun(300, HEAD, HEAD_LAYOUT, PR_BASE, { decided: [100] });
    w.s.react(APPEALS_REPO, "issue", 8001);
    await w.commentOn(100, "/approve The comment is documentation for maintainers.", REVIEWER, 8001);

    expect(w.lines()).toEqual([
      "GET /repos/Codertocat/skill-appeals/issues/100/comments",
      "GET /repos/Codertocat/skill-appeals/collaborators/octo-reviewer/permission",
      "GET /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/issues/100/labels",
      "DELETE /repos/Codertocat/skill-appeals/issues/100/labels/review%3Apending",
      "POST /repos/Codertocat/skill-appeals/issues/100/comments",
      "PATCH /repos/Codertocat/skill-appeals/issues/100",
      // the skill repository's check run for the appealed commit, re-run: created with its verdict
      `GET /repos/Codertocat/Hello-World/commits/${HEAD}/check-runs`,
      "GET /repos/Codertocat/Hello-World/contents/.github%2Fskill-quarantine.yml",
      "GET /repos/Codertocat/skill-appeals/contents/.github%2Fskill-quarantine-blocklist.yml",
      "GET /repos/Codertocat/skill-appeals/issues",
      "GET /repos/Codertocat/skill-appeals/issues/100/comments",
      "GET /repos/Codertocat/skill-appeals/issues",
      `GET /repos/Codertocat/Hello-World/tarball/${HEAD}`,
      `GET /repos/Codertocat/Hello-World/tarball/${BASE}`,
      "POST /repos/Codertocat/Hello-World/check-runs",
      `GET /repos/Codertocat/Hello-World/commits/${HEAD}/check-runs`,
      "POST /repos/Codertocat/skill-appeals/issues/comments/8001/reactions",
    ]);
    expect(w.posted("/issues/100/labels")[0]!.body).toEqual({ labels: ["review:approved"] });
    expect(w.gh.requests.find((r) => r.method === "PATCH" && r.path.endsWith("/issues/100"))!.body).toEqual({
      state: "closed",
      state_reason: "completed",
    });
    const comment: string = w.posted("/issues/100/comments")[0]!.body.body;
    const decision = readMarker("decision", comment, KEY)!;
    expect(decision).toMatchObject({
      skillId: FORMATTER_ID,
      repo: "Codertocat/Hello-World",
      issue: 100,
      decision: "approved",
      by: "octo-reviewer",
      at: NOW.toISOString(),
      to: 8001,
    });
    expect(comment).toContain("### ✅ Approved");
    expect(comment).toContain("**Decided by** @octo-reviewer on 2026-01-02 03:04 UTC");
    expect(plain(comment)).toContain("> The comment is documentation for maintainers.");
    expect(comment).toContain("@Codertocat the check run on Codertocat/Hello-World@ec26c3e is re-run");
    expect(w.appeals.issue(100)).toMatchObject({
      state: "closed",
      labels: ["quarantine-appeal", "severity:SUSPICIOUS", "review:approved"],
    });

    // The re-run shows the decision: the approved skill no longer holds the check.
    expect(w.gh.checks()[0]!.body).toMatchObject({ head_sha: HEAD, external_id: "d-8001" });
    expect(finalRun()).toMatchObject({ status: "completed", conclusion: "success" });
    expect(plain(finalRun().output.summary)).toContain(
      "> ℹ️ skills/suspicious-formatter: Approved by reviewer @octo-reviewer (was: ",
    );
    expect(plain(finalRun().output.summary)).toContain(
      "https://github.com/Codertocat/skill-appeals/issues/100#issuecomment-",
    );
    // The decision is bound to this content: the skill is audited, by the reviewer, on the decision's date.
    expect(plain(finalRun().output.summary)).toContain(
      "skills/suspicious-formatter** · 🔵 audited by @octo-reviewer on 2026-01-02",
    );

    // A later push changes the skill: a new content hash, scanned afresh: SUSPICIOUS again.
    w.gh.requests.length = 0;
    await w.checkRun(301, NEW_SHA, CHANGED, { sha: HEAD, layout: HEAD_LAYOUT }, { decided: [100] });
    await w.probot.receive({ id: "d-push-after", name: "push", payload: pushPayload(NEW_SHA, HEAD) });
    expect(finalRun()).toMatchObject({
      conclusion: "action_required",
      output: { title: "❌ SUSPICIOUS: 1 of 2 skills blocked until a reviewer decides" },
    });
    expect(finalRun().output.summary).toContain("skills/suspicious-formatter** · 🟡 unverified");
  });

  it("a redelivered /approve writes nothing new: the issue stays closed and the run is found by its delivery id", async () => {
    w = new World();
    await w.appealOnPr();
    w.s.comments(w.appeals, 100).permission(APPEALS_REPO, "octo-reviewer", "write");
    w.s
      .labels(w.appeals, ["review:approved"])
      .addLabels(w.appeals, 100)
      .removeLabel(w.appeals, 100, "review:pending")
      .comment(w.appeals, 100)
      .updateIssue(w.appeals, 100);
    await w.checkRun(300, HEAD, HEAD_LAYOUT, PR_BASE, { decided: [100] });
    w.s.react(APPEALS_REPO, "issue", 8001);
    await w.commentOn(100, "/approve ok", REVIEWER, 8001);
    // The stored issue is now closed, but a redelivery carries the original payload (issue open).
    const payloadIssue = { ...w.appeals.issue(100), state: "open" as const, labels: ["quarantine-appeal"] };
    w.gh.requests.length = 0;

    w.s.comments(w.appeals, 100).updateIssue(w.appeals, 100);
    w.gh.listRuns(HEAD, [
      { id: 300, external_id: "d-8001", status: "completed", started_at: NOW.toISOString() },
    ]);
    const { storeIssueCommentPayload } = await import("./appeals-helpers.js");
    const payload = storeIssueCommentPayload(w.appeals, 100, "/approve ok", {
      user: REVIEWER,
      commentId: 8001,
    });
    payload.issue.state = payloadIssue.state;
    await w.probot.receive({ id: "d-8001", name: "issue_comment", payload });
    expect(w.lines()).toEqual([
      "GET /repos/Codertocat/skill-appeals/issues/100/comments",
      "PATCH /repos/Codertocat/skill-appeals/issues/100",
      `GET /repos/Codertocat/Hello-World/commits/${HEAD}/check-runs`,
    ]);
  });
});

describe("reviewer commands refused: nothing changes", () => {
  async function refused(body: string, user: Json, permission?: string | number, times = 1) {
    w = new World();
    await w.appealOnPr();
    w.s.comments(w.appeals, 100);
    if (permission !== undefined) w.s.permission(APPEALS_REPO, user.login, permission, times);
    w.s.comment(w.appeals, 100);
    await w.commentOn(100, body, user, 8002);
    const reply: string = w.posted("/issues/100/comments")[0]!.body.body;
    expect(readMarker("reply", reply, KEY)).toEqual({ v: 1, to: 8002 });
    expect(w.lines().filter((l) => /labels|PATCH|check-runs|contents/.test(l))).toEqual([]);
    expect(w.appeals.issue(100).state).toBe("open");
    return reply;
  }

  it("from the skill's author (from the marker), even with admin rights: no permission lookup needed", async () => {
    const reply = await refused("/approve it is my skill and it is fine", CODERTOCAT);
    expect(reply).toContain("you cannot decide on this appeal: you are the skill's author");
  });

  it("from a user with read access only", async () => {
    const reply = await refused("/approve", person("curious", 42), "read");
    expect(reply).toContain("only reviewers (write, maintain or admin permission on this repository)");
  });

  it("when the permission API fails (5xx after retries): refused, fail closed", async () => {
    const reply = await refused("/approve", REVIEWER, 503, 4);
    expect(w.gh.requests.filter((r) => r.path.endsWith("/permission"))).toHaveLength(4);
    expect(reply).toContain("could not be checked (GitHub answered 503), so the command was refused");
  });

  it("/reject without a reason", async () => {
    const reply = await refused("/reject", REVIEWER, "maintain");
    expect(reply).toContain("`/reject` needs a reason");
  });

  it("/downgrade to a level that is not lower", async () => {
    const reply = await refused("/downgrade MALICIOUS", REVIEWER, "admin");
    expect(reply).toContain("MALICIOUS is not below SUSPICIOUS");
  });

  it("/approve of a MALICIOUS skill", async () => {
    w = new World();
    const MAL = {
      "skills/clean-notes": NOTES,
      "skills/invoice-helper": skillFiles("malicious-invoice", "app"),
    };
    await w.appealOnPr({ layout: MAL, severity: "MALICIOUS" });
    expect(w.appeals.issue(100).labels).toContain("severity:MALICIOUS");
    w.s.comments(w.appeals, 100).permission(APPEALS_REPO, "octo-reviewer", "admin").comment(w.appeals, 100);
    await w.commentOn(100, "/approve", REVIEWER, 8003);
    expect(w.posted("/issues/100/comments")[0]!.body.body).toContain(
      "a MALICIOUS skill cannot be approved. Use `/downgrade <LEVEL>` (recorded) or `/reject <reason>`. Nothing changed.",
    );
    expect(w.lines().filter((l) => /labels|PATCH|check-runs/.test(l))).toEqual([]);
  });

  it("a bot's comment, or a command on an issue someone else wrote (even with a valid marker): no request", async () => {
    w = new World();
    await w.appealOnPr();
    const bot = { login: "dependabot[bot]", id: 49699333, type: "Bot" };
    await w.commentOn(100, "/approve", bot, 8004);
    // A copy of the App's issue, opened by a person: same body, same signed marker.
    const copy = w.appeals.addIssue({
      body: w.appeals.issue(100).body,
      user: CODERTOCAT,
      labels: ["quarantine-appeal"],
    });
    await w.commentOn(copy.number, "/approve", REVIEWER, 8005);
    // The App's own issue with an edited marker (the signature no longer matches).
    const edited = w.appeals.addIssue({
      body: w.appeals.issue(100).body.replace('"level":"SUSPICIOUS"', '"level":"RISKY"'),
      labels: ["quarantine-appeal"],
    });
    await w.commentOn(edited.number, "/approve", REVIEWER, 8006);
    expect(w.gh.requests).toEqual([]);
  });
});

describe("decisions other than approve", () => {
  it("/downgrade RISKY: labelled review:downgraded, the re-run check is neutral", async () => {
    w = new World();
    await w.appealOnPr();
    w.s.comments(w.appeals, 100).permission(APPEALS_REPO, "octo-reviewer", "write");
    w.s
      .labels(w.appeals, ["review:downgraded"])
      .addLabels(w.appeals, 100)
      .removeLabel(w.appeals, 100, "review:pending")
      .comment(w.appeals, 100)
      .updateIssue(w.appeals, 100);
    await w.checkRun(302, HEAD, HEAD_LAYOUT, PR_BASE, { decided: [100] });
    w.s.react(APPEALS_REPO, "issue", 8010);
    await w.commentOn(100, "/downgrade risky the path is only named, never read", REVIEWER, 8010);
    const comment: string = w.posted("/issues/100/comments")[0]!.body.body;
    expect(readMarker("decision", comment, KEY)).toMatchObject({ decision: "downgraded", level: "RISKY" });
    expect(plain(comment)).toContain("> the path is only named, never read");
    expect(finalRun().conclusion).toBe("neutral");
  });

  it("/block-author: the author is committed to the appeals repository's blocklist; the re-run is MALICIOUS (trigger blocklist)", async () => {
    w = new World();
    await w.appealOnPr();
    w.s.comments(w.appeals, 100).permission(APPEALS_REPO, "octo-reviewer", "admin");
    w.s.blocklistFile(w.appeals).putBlocklist(w.appeals);
    w.s
      .labels(w.appeals, ["review:rejected"])
      .addLabels(w.appeals, 100)
      .removeLabel(w.appeals, 100, "review:pending")
      .comment(w.appeals, 100)
      .updateIssue(w.appeals, 100);
    await w.checkRun(303, HEAD, HEAD_LAYOUT, PR_BASE, { decided: [100] });
    w.s.react(APPEALS_REPO, "issue", 8011);
    await w.commentOn(100, "/block-author ships credential stealers", REVIEWER, 8011);

    expect(w.lines().slice(2, 4)).toEqual([
      "GET /repos/Codertocat/skill-appeals/contents/.github%2Fskill-quarantine-blocklist.yml",
      "PUT /repos/Codertocat/skill-appeals/contents/.github%2Fskill-quarantine-blocklist.yml",
    ]);
    const put = w.gh.requests.find((r) => r.method === "PUT")!.body;
    expect(put.message).toBe("Block skill author codertocat (skill-quarantine, by @octo-reviewer)");
    expect(put.sha).toBeUndefined(); // a new file
    const text = Buffer.from(put.content, "base64").toString("utf8");
    expect(text).toMatch(/^# Authors blocked by skill-quarantine reviewers/);
    expect(text).toContain(
      "authors:\n  - codertocat # blocked by @octo-reviewer on 2026-01-02: https://github.com/Codertocat/skill-appeals/issues/100",
    );
    const comment: string = w.posted("/issues/100/comments")[0]!.body.body;
    expect(readMarker("decision", comment, KEY)).toMatchObject({
      decision: "rejected",
      blocked: "Codertocat",
    });
    expect(w.gh.requests.find((r) => r.method === "PATCH" && r.path.endsWith("/issues/100"))!.body).toEqual({
      state: "closed",
      state_reason: "not_planned",
    });
    // The next scan reads the file: every skill of this author is MALICIOUS, trigger blocklist.
    expect(finalRun()).toMatchObject({
      conclusion: "failure",
      output: { title: "❌ MALICIOUS: 2 of 2 skills must not be installed" },
    });
    // `blocklist.author` is the core's check for `config.blocklist.authors`; its trigger is `blocklist`.
    expect(plain(finalRun().output.text)).toContain("blocklist.author");
    expect(plain(finalRun().output.text)).toContain("author Codertocat");
    const { CHECKS } = await import("../../src/scan/index.js");
    expect(CHECKS.blocklistedAuthor).toMatchObject({
      id: "blocklist.author",
      level: "MALICIOUS",
      category: "blocklist",
    });
  });
});

describe("decisions are read back only from what the App wrote", () => {
  it("a closed issue labelled review:approved by hand, or a decision marker in a person's comment, decides nothing", async () => {
    w = new World();
    await w.appealOnPr();
    const issue = w.appeals.issue(100);
    const m = readMarker("appeal", issue.body, KEY)!;
    issue.state = "closed";
    issue.labels.push("review:approved");
    const forged = writeMarker(
      "decision",
      {
        skillId: m.skillId,
        contentHash: m.contentHash,
        repo: m.repo,
        issue: 100,
        decision: "approved",
        by: "octo-reviewer",
        at: NOW.toISOString(),
        to: 1,
      },
      KEY,
    );
    w.appeals.addComment(100, forged, CODERTOCAT); // a valid marker, but written by a person
    w.appeals.addComment(100, forged.replace(m.contentHash, "0".repeat(64)), APP_USER); // edited: bad signature
    w.token();
    await w.checkRun(304, HEAD, HEAD_LAYOUT, PR_BASE, { decided: [100] });
    await w.probot.receive({ id: "d-push-forged", name: "push", payload: pushPayload(HEAD, BASE) });
    expect(finalRun().conclusion).toBe("action_required");
  });
});
