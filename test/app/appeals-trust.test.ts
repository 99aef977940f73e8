import "./polyfill.js";
import { describe, expect, it } from "vitest";
import { readMarker, writeMarker } from "../../src/appeals/markers.js";
import {
  APPEALS_REPO,
  appOptions,
  BASE,
  BASE_LAYOUT,
  guardGitHub,
  HEAD,
  HEAD_LAYOUT,
  KEY,
  person,
  REVIEWER,
  SKILL_REPO,
  storeIssueCommentPayload,
  World,
} from "./appeals-helpers.js";
import { makeProbot } from "./helpers.js";

// Point 15 of issue 11: the appeals repository, and so who reviews, is the operator's. A repository's
// config cannot name it; without an operator setting the appeals live in the skill's own repository,
// where only maintain or admin decides (write is what the author and any pusher already have); the
// commit's author (pusher) cannot decide either.

let w: World;
guardGitHub(() => w.gh);

const reply = () => w.posted("/issues/100/comments")[0]!.body.body as string;

describe("no operator appeals repository: appeals in the skill's own repository", () => {
  const own = () => new World({ appealsRepository: undefined }, SKILL_REPO);

  it("the appeal issue is opened in the skill's own repository", async () => {
    w = own();
    const [issue] = await w.appealOnPr();
    expect(issue).toBe(100);
    expect(w.skillRepo.issue(100).labels).toContain("quarantine-appeal");
  });

  it("write on the skill's repository is not enough to decide: refused, nothing changes", async () => {
    w = own();
    await w.appealOnPr();
    w.s.comments(w.appeals, 100).permission(SKILL_REPO, "octo-reviewer", "write").comment(w.appeals, 100);
    await w.commentOn(100, "/approve looks fine to me", REVIEWER, 8101);
    expect(reply()).toContain("decided only by its maintainers (maintain or admin permission");
    expect(w.lines().filter((l) => /labels|PATCH|check-runs/.test(l))).toEqual([]);
    expect(w.appeals.issue(100).state).toBe("open");
  });

  it("maintain on the skill's repository decides: labelled, closed, the check re-run with the decision", async () => {
    w = own();
    await w.appealOnPr();
    w.s.comments(w.appeals, 100).permission(SKILL_REPO, "octo-reviewer", "maintain");
    w.s
      .labels(w.appeals, ["review:approved"])
      .addLabels(w.appeals, 100)
      .removeLabel(w.appeals, 100, "review:pending")
      .comment(w.appeals, 100)
      .updateIssue(w.appeals, 100);
    await w.checkRun(310, HEAD, HEAD_LAYOUT, { sha: BASE, layout: BASE_LAYOUT }, { decided: [100] });
    w.s.react(SKILL_REPO, "issue", 8102);
    await w.commentOn(100, "/approve The comment is for maintainers.", REVIEWER, 8102);
    expect(readMarker("decision", reply(), KEY)).toMatchObject({ decision: "approved", by: "octo-reviewer" });
    expect(w.appeals.issue(100).state).toBe("closed");
    expect(w.gh.checks().at(-1)!.body).toMatchObject({ conclusion: "success" });
  });
});

describe("an operator appeals repository", () => {
  it("an appeal issue in any other repository (one a repository config once named) decides nothing", async () => {
    // The issue was opened while the author's config pointed appeals at a repository they control.
    w = new World({ appealsRepository: "Codertocat/my-own-appeals" }, "Codertocat/my-own-appeals");
    await w.appealOnPr();
    const operatorApp = makeProbot({ ...appOptions, appealsRepository: APPEALS_REPO });
    w.gh.token();
    w.s.comments(w.appeals, 100).comment(w.appeals, 100);
    await operatorApp.receive({
      id: "d-8103",
      name: "issue_comment",
      payload: storeIssueCommentPayload(w.appeals, 100, "/approve all good", {
        user: person("author-friend", 55),
        commentId: 8103,
      }),
    });
    expect(reply()).toContain(
      "taken only in Codertocat/skill-appeals, the appeals repository its operator set",
    );
    expect(w.lines().filter((l) => /permission|labels|PATCH|check-runs/.test(l))).toEqual([]);
    expect(w.appeals.issue(100).state).toBe("open");
  });

  it("the pusher of the appealed commit cannot decide, even with admin on the appeals repository", async () => {
    w = new World();
    await w.appealOnPr();
    // The marker of an appeal made on a commit records the commit's author as the pusher.
    const issue = w.appeals.issue(100);
    const marker = readMarker("appeal", issue.body, KEY)!;
    const { v: _v, ...data } = marker;
    issue.body = issue.body.replace(
      /^<!--[^\n]*-->/,
      writeMarker("appeal", { ...data, pusher: "octo-pusher" }, KEY),
    );
    w.s.comments(w.appeals, 100).comment(w.appeals, 100);
    await w.commentOn(100, "/approve", person("octo-pusher", 77), 8104);
    expect(reply()).toContain("you cannot decide on this appeal: you are the skill's pusher");
    expect(w.lines().filter((l) => /permission|labels|PATCH|check-runs/.test(l))).toEqual([]);
  });
});
