import "./polyfill.js";
import { describe, expect, it } from "vitest";
import { readMarker, writeMarker } from "../../src/appeals/markers.js";
import {
  APP_USER,
  guardGitHub,
  issueCommentPayload,
  KEY,
  NOTES,
  person,
  plain,
  SKILL_REPO,
  World,
} from "./appeals-helpers.js";

// `/report` on an issue of a skill repository: one report per person per skill, counted by distinct
// reporters; at the threshold (default 3) the skill is SUSPICIOUS with trigger `user-reports`, the
// default branch's check run is re-run, and a review issue is opened in the appeals repository.

let w: World;

guardGitHub(() => w.gh);

const MAIN = "5ca1ab1e00000000000000000000000000000001";
const PARENT = "5ca1ab1e00000000000000000000000000000000";
const ONE_SKILL = { "skills/clean-notes": NOTES };
const base = { sha: PARENT, layout: ONE_SKILL };

/** Expects the requests of a `/report` up to the scan of the default branch. */
async function reportStart(trackers: number[]) {
  w.token();
  w.s.comments(w.skillRepo, 1).commit(SKILL_REPO, "master", MAIN, PARENT);
  await w.scan(MAIN, ONE_SKILL, base, { trackers });
}

async function report(user: ReturnType<typeof person>, id: number, text = "/report it asks for my AWS keys") {
  await w.probot.receive({
    id: `d-report-${id}`,
    name: "issue_comment",
    payload: issueCommentPayload(text, { user, commentId: id }),
  });
}

const answers = () => w.posted("/Hello-World/issues/1/comments").map((r) => r.body.body as string);

describe("/report", () => {
  it("a redelivered /report (the App's answer already there) reads the thread and writes nothing", async () => {
    w = new World();
    w.skillRepo.addIssue({ number: 1, body: "" });
    w.skillRepo.addComment(1, `${writeMarker("reply", { to: 11 }, KEY)}\nrecorded`, APP_USER);
    w.token();
    w.s.comments(w.skillRepo, 1);
    await report(person("alice", 1001), 11);
    expect(w.lines()).toEqual(["GET /repos/Codertocat/Hello-World/issues/1/comments"]);
    expect(w.posted("/skill-appeals/issues")).toEqual([]);
  });

  it("three distinct users reach the threshold: SUSPICIOUS (user-reports), check re-run, review issue opened", async () => {
    w = new World();
    // alice: the first report opens the skill's report issue in the appeals repository.
    await reportStart([]);
    w.s
      .labels(w.appeals, ["skill-report"])
      .createIssue(w.appeals)
      .comment(w.appeals, 100)
      .react(SKILL_REPO, "issue", 11)
      .comment(w.skillRepo, 1);
    await report(person("alice", 1001), 11);
    expect(w.lines()).toEqual([
      "GET /repos/Codertocat/Hello-World/issues/1/comments",
      "GET /repos/Codertocat/Hello-World/commits/master",
      "GET /repos/Codertocat/Hello-World/contents/.github%2Fskill-quarantine.yml",
      "GET /repos/Codertocat/skill-appeals/contents/.github%2Fskill-quarantine-blocklist.yml",
      "GET /repos/Codertocat/skill-appeals/issues",
      "GET /repos/Codertocat/skill-appeals/issues",
      `GET /repos/Codertocat/Hello-World/tarball/${MAIN}`,
      `GET /repos/Codertocat/Hello-World/tarball/${PARENT}`,
      "GET /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/issues",
      "POST /repos/Codertocat/skill-appeals/issues/100/comments",
      "POST /repos/Codertocat/Hello-World/issues/comments/11/reactions",
      "POST /repos/Codertocat/Hello-World/issues/1/comments",
    ]);
    const tracker = w.posted("/skill-appeals/issues")[0]!.body;
    expect(tracker).toMatchObject({
      title: "User reports: skills/clean-notes in Codertocat/Hello-World",
      labels: ["skill-report"],
    });
    expect(readMarker("reports", tracker.body, KEY)).toEqual({
      v: 1,
      skillId: "skills/clean-notes",
      repo: SKILL_REPO,
    });
    const recorded: string = w.posted("/issues/100/comments")[0]!.body.body;
    expect(readMarker("report", recorded, KEY)).toEqual({
      v: 1,
      skillId: "skills/clean-notes",
      repo: SKILL_REPO,
      user: "alice",
      userId: 1001,
      to: 11,
    });
    expect(plain(recorded)).toContain("> it asks for my AWS keys");
    expect(answers()[0]).toContain("1 of the 3 distinct reports needed for a review");

    // bob: counted as the second distinct reporter.
    w.gh.requests.length = 0;
    await reportStart([100]);
    w.s.labels(w.appeals).comment(w.appeals, 100).react(SKILL_REPO, "issue", 12).comment(w.skillRepo, 1);
    await report(person("bob", 1002), 12);
    expect(answers()[0]).toContain("2 of the 3 distinct reports needed for a review");

    // carol: the third distinct reporter reaches the threshold.
    w.gh.requests.length = 0;
    await reportStart([100]);
    w.s
      .labels(w.appeals)
      .comment(w.appeals, 100)
      .labels(w.appeals, ["quarantine-appeal", "review:pending", "severity:SUSPICIOUS"])
      .createIssue(w.appeals);
    // The re-run also reads the new review issue (open): same content hash, nothing to add there.
    await w.checkRun(400, MAIN, ONE_SKILL, base, { trackers: [100], open: [101] });
    w.s.react(SKILL_REPO, "issue", 13).comment(w.skillRepo, 1);
    await report(person("carol", 1003), 13, "/report clean-notes it pasted my notes to a web site");

    const review = w.posted("/skill-appeals/issues")[0]!.body;
    expect(review.title).toBe(
      "Review (user reports): skills/clean-notes (SUSPICIOUS) in Codertocat/Hello-World@5ca1ab1",
    );
    expect(review.labels).toEqual(["quarantine-appeal", "severity:SUSPICIOUS", "review:pending"]);
    const marker = readMarker("appeal", review.body, KEY)!;
    expect(marker).toMatchObject({
      skillId: "skills/clean-notes",
      sha: MAIN,
      level: "SUSPICIOUS",
      via: "report",
    });
    expect(marker.findings).toContain("reports.threshold@skills/clean-notes/SKILL.md");
    expect(marker.appellant).toBeUndefined();
    expect(review.body).toContain("3 distinct users reported it (threshold 3)");
    // The reason given names the skill: the skill's name is not part of the recorded reason.
    expect(plain(w.posted("/issues/100/comments")[0]!.body.body)).toContain(
      "> it pasted my notes to a web site",
    );

    // The default branch's check run, re-run, now says so.
    expect(w.gh.checks()[0]!.body).toMatchObject({ head_sha: MAIN, external_id: "d-report-13" });
    const done = w.gh.checks().at(-1)!.body;
    expect(done.conclusion).toBe("action_required");
    expect(plain(done.output.text)).toContain("reports.threshold");
    expect(plain(done.output.text)).toContain("3 distinct users reported this skill (threshold 3)");
    expect(answers()[0]).toContain(
      "3 people have reported it (threshold 3): it is SUSPICIOUS until a reviewer decides in https://github.com/Codertocat/skill-appeals/issues/101",
    );
  });

  it("one user reporting three times counts once: no review, no re-run", async () => {
    w = new World();
    await reportStart([]);
    w.s
      .labels(w.appeals, ["skill-report"])
      .createIssue(w.appeals)
      .comment(w.appeals, 100)
      .react(SKILL_REPO, "issue", 21)
      .comment(w.skillRepo, 1);
    await report(person("alice", 1001), 21);
    for (const id of [22, 23]) {
      w.gh.requests.length = 0;
      await reportStart([100]);
      w.s.comment(w.skillRepo, 1);
      await report(person("alice", 1001), id, "/report still bad, and again");
      expect(w.lines().at(-1)).toBe("POST /repos/Codertocat/Hello-World/issues/1/comments");
      expect(w.posted("/skill-appeals/issues/100/comments")).toEqual([]);
      expect(w.posted("/reactions")).toEqual([]);
      expect(answers()[0]).toContain(
        "you have already reported <code>skills/clean-notes</code>; each person counts once",
      );
      expect(w.gh.checks()).toEqual([]);
    }
    expect(w.appeals.issue(100).comments).toHaveLength(1);
  });

  it("several skills and no skill named: a reply listing them, nothing recorded", async () => {
    w = new World();
    const TWO = {
      "skills/clean-notes": NOTES,
      "skills/other-notes": {
        "SKILL.md": NOTES["SKILL.md"]!.replace("name: clean-notes", "name: other-notes"),
      },
    };
    w.token();
    w.s.comments(w.skillRepo, 1).commit(SKILL_REPO, "master", MAIN, PARENT);
    await w.scan(MAIN, TWO, { sha: PARENT, layout: TWO });
    w.s.comment(w.skillRepo, 1);
    await report(person("alice", 1001), 31, "/report it is bad");
    expect(answers()[0]).toContain(
      "this repository has 2 skills (<code>clean-notes</code>, <code>other-notes</code>): say which one",
    );
    expect(w.posted("/skill-appeals")).toEqual([]);
  });

  it("an empty /report gets the usage, with no scan", async () => {
    w = new World();
    w.token();
    w.s.comments(w.skillRepo, 1).comment(w.skillRepo, 1);
    await report(person("alice", 1001), 41, "/report");
    expect(w.lines()).toEqual([
      "GET /repos/Codertocat/Hello-World/issues/1/comments",
      "POST /repos/Codertocat/Hello-World/issues/1/comments",
    ]);
    expect(answers()[0]).toContain("`/report <skill-name> <reason>` when the repository has several skills");
  });
});
