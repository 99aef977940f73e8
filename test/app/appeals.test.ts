import "./polyfill.js";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { readMarker } from "../../src/appeals/markers.js";
import {
  APP_USER,
  APPEALS_REPO,
  appOptions,
  BASE,
  BASE_LAYOUT,
  CODERTOCAT,
  COMMENT_ID,
  CONFIG,
  commitCommentPayload,
  FORMATTER_ID,
  guardGitHub,
  HEAD,
  HEAD_LAYOUT,
  IssueStore,
  KEY,
  PR_URL,
  person,
  plain,
  prCommentPayload,
  repoArchive,
  Script,
  SKILL_REPO,
} from "./appeals-helpers.js";
import { GitHub, type Json, makeProbot, NOW } from "./helpers.js";

// `/appeal` end to end: the published issue_comment and commit_comment payloads in, every request
// the App makes listed in order (nock fails on any other), request bodies validated against
// GitHub's OpenAPI description.

let probot: Probot;
let gh: GitHub;
let s: Script;
let skillRepo: IssueStore;
let appeals: IssueStore;

guardGitHub(() => gh);

function setup() {
  probot = makeProbot(appOptions);
  gh = new GitHub(SKILL_REPO);
  s = new Script(gh);
  skillRepo = new IssueStore(SKILL_REPO);
  appeals = new IssueStore(APPEALS_REPO);
}

const lines = () => gh.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
const posted = (path: string) => gh.requests.filter((r) => r.method === "POST" && r.path.endsWith(path));

/** The requests of a /appeal on PR #2 up to (and including) the scan of its head against its base. */
async function prAppealUntilScan(opts: { permission?: string } = {}) {
  gh.token().pull(2, {
    head: { sha: HEAD },
    base: { sha: BASE },
    user: { login: "Codertocat" },
    html_url: PR_URL,
  });
  s.comments(skillRepo, 2).permission(SKILL_REPO, "Codertocat", opts.permission ?? "admin");
  gh.config(CONFIG);
  s.appealsState(appeals);
  gh.tarball(HEAD, await repoArchive(HEAD_LAYOUT)).tarball(BASE, await repoArchive(BASE_LAYOUT));
}

const JUSTIFICATION =
  "The HTML comment is a note for *maintainers*, not the agent. <!-- skill-quarantine:appeal {} --> @octocat";

describe("/appeal on a pull request", () => {
  it("accepted: one labelled issue in the appeals repository, with findings, deadline and a signed marker", async () => {
    setup();
    await prAppealUntilScan();
    s.labels(appeals, ["quarantine-appeal", "review:pending", "severity:SUSPICIOUS"])
      .createIssue(appeals)
      .react(SKILL_REPO, "issue", COMMENT_ID)
      .comment(skillRepo, 2);
    await probot.receive({
      id: "d-appeal-1",
      name: "issue_comment",
      payload: prCommentPayload(`/appeal ${JUSTIFICATION}\nSecond line.`),
    });

    expect(lines()).toEqual([
      "GET /repos/Codertocat/Hello-World/pulls/2",
      "GET /repos/Codertocat/Hello-World/issues/2/comments",
      "GET /repos/Codertocat/Hello-World/collaborators/Codertocat/permission",
      "GET /repos/Codertocat/Hello-World/contents/.github%2Fskill-quarantine.yml",
      "GET /repos/Codertocat/skill-appeals/contents/.github%2Fskill-quarantine-blocklist.yml",
      "GET /repos/Codertocat/skill-appeals/issues",
      "GET /repos/Codertocat/skill-appeals/issues",
      `GET /repos/Codertocat/Hello-World/tarball/${HEAD}`,
      `GET /repos/Codertocat/Hello-World/tarball/${BASE}`,
      "GET /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/issues",
      `POST /repos/Codertocat/Hello-World/issues/comments/${COMMENT_ID}/reactions`,
      "POST /repos/Codertocat/Hello-World/issues/2/comments",
    ]);
    // The redelivery check reads only the comments written since the command.
    expect(gh.requests[1]!.path).toContain("since=2019-05-15T15%3A20%3A21Z");

    expect(posted("/labels").map((r) => r.body)).toEqual([
      { name: "quarantine-appeal", color: "5319e7", description: expect.any(String) },
      { name: "review:pending", color: "ededed", description: expect.any(String) },
      { name: "severity:SUSPICIOUS", color: "d93f0b", description: expect.any(String) },
    ]);

    const created = posted("/skill-appeals/issues")[0]!.body;
    expect(created.title).toBe(
      "Appeal: skills/suspicious-formatter (SUSPICIOUS) in Codertocat/Hello-World@ec26c3e",
    );
    expect(created.labels).toEqual(["quarantine-appeal", "severity:SUSPICIOUS", "review:pending"]);
    const body: string = created.body;
    const marker = readMarker("appeal", body, KEY)!;
    expect(marker).toMatchObject({
      skillId: FORMATTER_ID,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      repo: SKILL_REPO,
      sha: HEAD,
      base: BASE,
      level: "SUSPICIOUS",
      author: "Codertocat",
      appellant: "Codertocat",
      opened: NOW.toISOString(),
      // SUSPICIOUS: 3–7 days from the appeal.
      due: ["2026-01-05T03:04:05.000Z", "2026-01-09T03:04:05.000Z"],
      url: PR_URL,
      source: COMMENT_ID,
      via: "appeal",
    });
    expect(marker.findings).toContain("hidden.comment-instructions@skills/suspicious-formatter/SKILL.md");
    // Exactly one marker: the one the App wrote first; the justification's fake marker is escaped.
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).not.toContain("@octocat");
    expect(plain(body)).toContain("> The HTML comment is a note for *maintainers*, not the agent.");
    expect(plain(body)).toContain("> Second line.");
    expect(body).toContain(
      "between **2026-01-05** and **2026-01-09** (SUSPICIOUS: 3–7 days from 2026-01-02)",
    );
    expect(body).toContain(`https://github.com/Codertocat/Hello-World/commit/${HEAD}/checks`);
    expect(body).toMatch(
      new RegExp(
        `\\[skills/suspicious-formatter/SKILL\\.md:\\d+\\]\\(https://github.com/Codertocat/Hello-World/blob/${HEAD}/skills/suspicious-formatter/SKILL.md#L\\d+\\)`,
      ),
    );
    // The skill's own hidden comment is shown escaped, never as a live HTML comment.
    expect(plain(body)).toContain("hidden.comment-instructions");

    expect(posted("/reactions")[0]!.body).toEqual({ content: "+1" });
    const reply: string = posted("/issues/2/comments")[0]!.body.body;
    expect(readMarker("reply", reply, KEY)).toEqual({ v: 1, to: COMMENT_ID });
    expect(reply).toContain("https://github.com/Codertocat/skill-appeals/issues/100");
    expect(reply).toContain("review expected between 2026-01-05 and 2026-01-09");
  });

  it("a redelivered /appeal (answer already there) opens no second issue and writes nothing", async () => {
    setup();
    skillRepo.addIssue({ number: 2, body: "", user: CODERTOCAT });
    skillRepo.addComment(2, `<!-- x -->`, APP_USER); // not a marker: ignored
    const { writeMarker } = await import("../../src/appeals/markers.js");
    skillRepo.addComment(2, `${writeMarker("reply", { to: COMMENT_ID }, KEY)}\nrecorded`, APP_USER);
    gh.token().pull(2, {
      head: { sha: HEAD },
      base: { sha: BASE },
      user: { login: "Codertocat" },
      html_url: PR_URL,
    });
    s.comments(skillRepo, 2);
    await probot.receive({
      id: "d-appeal-1",
      name: "issue_comment",
      payload: prCommentPayload(`/appeal ${JUSTIFICATION}`),
    });
    expect(lines()).toEqual([
      "GET /repos/Codertocat/Hello-World/pulls/2",
      "GET /repos/Codertocat/Hello-World/issues/2/comments",
    ]);
  });

  it("the same answer written by someone else (not the App) does not count as handled", async () => {
    setup();
    const { writeMarker } = await import("../../src/appeals/markers.js");
    skillRepo.addIssue({ number: 2, body: "", user: CODERTOCAT });
    skillRepo.addComment(2, `${writeMarker("reply", { to: COMMENT_ID }, KEY)}\nfake`, person("mallory", 66));
    await prAppealUntilScan();
    s.labels(appeals, ["quarantine-appeal", "review:pending", "severity:SUSPICIOUS"])
      .createIssue(appeals)
      .react(SKILL_REPO, "issue", COMMENT_ID)
      .comment(skillRepo, 2);
    await probot.receive({
      id: "d-appeal-2",
      name: "issue_comment",
      payload: prCommentPayload(`/appeal ${JUSTIFICATION}`),
    });
    expect(posted("/skill-appeals/issues")).toHaveLength(1);
  });

  it("a second /appeal for a skill with an open appeal comments on that issue instead", async () => {
    setup();
    // First appeal, as in the test above, to get the App's real issue into the appeals repository.
    await prAppealUntilScan();
    s.labels(appeals, ["quarantine-appeal", "review:pending", "severity:SUSPICIOUS"])
      .createIssue(appeals)
      .react(SKILL_REPO, "issue", COMMENT_ID)
      .comment(skillRepo, 2);
    await probot.receive({
      id: "d-a",
      name: "issue_comment",
      payload: prCommentPayload(`/appeal ${JUSTIFICATION}`),
    });
    expect(appeals.issues.size).toBe(1);
    gh.requests.length = 0;

    // Second appeal by a collaborator, another comment.
    const second = 492700999;
    gh.pull(2, { head: { sha: HEAD }, base: { sha: BASE }, user: { login: "Codertocat" }, html_url: PR_URL });
    s.comments(skillRepo, 2).permission(SKILL_REPO, "hubot", "write");
    gh.config(CONFIG);
    s.appealsState(appeals);
    gh.tarball(HEAD, await repoArchive(HEAD_LAYOUT)).tarball(BASE, await repoArchive(BASE_LAYOUT));
    s.labels(appeals)
      .comments(appeals, 100)
      .comment(appeals, 100)
      .react(SKILL_REPO, "issue", second)
      .comment(skillRepo, 2);
    await probot.receive({
      id: "d-b",
      name: "issue_comment",
      payload: prCommentPayload("/appeal Also: the file it names does not exist on our runners.", {
        user: person("hubot", 5),
        commentId: second,
      }),
    });
    expect(lines()).toEqual([
      "GET /repos/Codertocat/Hello-World/pulls/2",
      "GET /repos/Codertocat/Hello-World/issues/2/comments",
      "GET /repos/Codertocat/Hello-World/collaborators/hubot/permission",
      "GET /repos/Codertocat/Hello-World/contents/.github%2Fskill-quarantine.yml",
      "GET /repos/Codertocat/skill-appeals/contents/.github%2Fskill-quarantine-blocklist.yml",
      "GET /repos/Codertocat/skill-appeals/issues",
      "GET /repos/Codertocat/skill-appeals/issues",
      `GET /repos/Codertocat/Hello-World/tarball/${HEAD}`,
      `GET /repos/Codertocat/Hello-World/tarball/${BASE}`,
      "GET /repos/Codertocat/skill-appeals/labels",
      "GET /repos/Codertocat/skill-appeals/issues/100/comments",
      "POST /repos/Codertocat/skill-appeals/issues/100/comments",
      `POST /repos/Codertocat/Hello-World/issues/comments/${second}/reactions`,
      "POST /repos/Codertocat/Hello-World/issues/2/comments",
    ]);
    expect(appeals.issues.size).toBe(1);
    const added: string = posted("/issues/100/comments")[0]!.body.body;
    expect(readMarker("reply", added, KEY)).toEqual({ v: 1, to: second });
    expect(added).toContain("Appealed again by @hubot");
    expect(plain(added)).toContain("> Also: the file it names does not exist on our runners.");
    expect(posted("/issues/2/comments")[0]!.body.body).toContain(
      "already under review in https://github.com/Codertocat/skill-appeals/issues/100",
    );
  });

  it("an empty justification gets a reply explaining what to write, and nothing else", async () => {
    setup();
    gh.token().pull(2, {
      head: { sha: HEAD },
      base: { sha: BASE },
      user: { login: "Codertocat" },
      html_url: PR_URL,
    });
    s.comments(skillRepo, 2).permission(SKILL_REPO, "Codertocat", "admin").comment(skillRepo, 2);
    await probot.receive({ id: "d-empty", name: "issue_comment", payload: prCommentPayload("/appeal   ") });
    expect(lines()).toEqual([
      "GET /repos/Codertocat/Hello-World/pulls/2",
      "GET /repos/Codertocat/Hello-World/issues/2/comments",
      "GET /repos/Codertocat/Hello-World/collaborators/Codertocat/permission",
      "POST /repos/Codertocat/Hello-World/issues/2/comments",
    ]);
    const reply: string = posted("/issues/2/comments")[0]!.body.body;
    expect(reply).toContain("an appeal needs a justification");
    expect(reply).toContain("/appeal skills/csv-upload The script only uploads");
  });

  it("refused without access to the skill's repository (public repository, read only, not the author)", async () => {
    setup();
    gh.token().pull(2, {
      head: { sha: HEAD },
      base: { sha: BASE },
      user: { login: "Codertocat" },
      html_url: PR_URL,
    });
    s.comments(skillRepo, 2).permission(SKILL_REPO, "mallory", "read").comment(skillRepo, 2);
    await probot.receive({
      id: "d-perm",
      name: "issue_comment",
      payload: prCommentPayload("/appeal trust me", { user: person("mallory", 66) }),
    });
    expect(lines().at(-1)).toBe("POST /repos/Codertocat/Hello-World/issues/2/comments");
    expect(posted("/issues/2/comments")[0]!.body.body).toContain(
      "only the skill's author or someone with access to Codertocat/Hello-World can appeal",
    );
    expect(posted("/skill-appeals/issues")).toEqual([]);
  });

  it("the permission API failing (5xx after retries) refuses the appeal: fail closed", async () => {
    setup();
    gh.token().pull(2, {
      head: { sha: HEAD },
      base: { sha: BASE },
      user: { login: "Codertocat" },
      html_url: PR_URL,
    });
    s.comments(skillRepo, 2).permission(SKILL_REPO, "Codertocat", 502, 4).comment(skillRepo, 2);
    await probot.receive({
      id: "d-5xx",
      name: "issue_comment",
      payload: prCommentPayload(`/appeal ${JUSTIFICATION}`),
    });
    expect(gh.requests.filter((r) => r.path.endsWith("/permission"))).toHaveLength(4);
    expect(posted("/issues/2/comments")[0]!.body.body).toContain(
      "could not be checked (GitHub answered 502)",
    );
    expect(lines().filter((l) => /tarball|skill-appeals/.test(l))).toEqual([]);
  });

  it("a skill that is not quarantined: a reply saying so, no issue", async () => {
    setup();
    gh.token().pull(2, {
      head: { sha: HEAD },
      base: { sha: BASE },
      user: { login: "Codertocat" },
      html_url: PR_URL,
    });
    s.comments(skillRepo, 2).permission(SKILL_REPO, "Codertocat", "write");
    gh.config(CONFIG);
    s.appealsState(appeals);
    gh.tarball(HEAD, await repoArchive(BASE_LAYOUT)).tarball(BASE, await repoArchive(BASE_LAYOUT));
    s.comment(skillRepo, 2);
    await probot.receive({
      id: "d-clean",
      name: "issue_comment",
      payload: prCommentPayload("/appeal it is fine"),
    });
    expect(posted("/issues/2/comments")[0]!.body.body).toContain(
      "nothing to appeal: none of the 1 skill(s) at ec26c3e is quarantined or flagged",
    );
    expect(posted("/skill-appeals/issues")).toEqual([]);
  });

  it("a comment by a bot, an unknown command, or /appeal not at the start: no request at all", async () => {
    setup();
    const bot = prCommentPayload("/appeal automated", { user: { login: "ci[bot]", type: "Bot" } });
    await probot.receive({ id: "d-bot", name: "issue_comment", payload: bot });
    await probot.receive({
      id: "d-unknown",
      name: "issue_comment",
      payload: prCommentPayload("/appeals please"),
    });
    await probot.receive({
      id: "d-quote",
      name: "issue_comment",
      payload: prCommentPayload("> /appeal earlier\nok"),
    });
    await probot.receive({ id: "d-lgtm", name: "issue_comment", payload: prCommentPayload("LGTM /appeal") });
    await probot.receive({ id: "d-cc", name: "commit_comment", payload: commitCommentPayload("/approve") });
    expect(gh.requests).toEqual([]);
  });
});

describe("/appeal on a commit", () => {
  it("accepted: scanned against the parent commit, answered on the commit", async () => {
    setup();
    const payload = commitCommentPayload("/appeal The HTML comment is documentation for maintainers.");
    const sha: string = payload.comment.commit_id;
    const id: number = payload.comment.id;
    gh.token();
    s.commit(SKILL_REPO, sha, sha, BASE, "octo-pusher")
      .commitComments(SKILL_REPO, sha)
      .permission(SKILL_REPO, "Codertocat", "admin");
    gh.config(CONFIG);
    s.appealsState(appeals);
    gh.tarball(sha, await repoArchive(HEAD_LAYOUT)).tarball(BASE, await repoArchive(BASE_LAYOUT));
    s.labels(appeals, ["quarantine-appeal", "review:pending", "severity:SUSPICIOUS"])
      .createIssue(appeals)
      .react(SKILL_REPO, "commit", id)
      .commitComment(SKILL_REPO, sha);
    await probot.receive({ id: "d-commit", name: "commit_comment", payload });

    expect(lines()).toEqual([
      `GET /repos/Codertocat/Hello-World/commits/${sha}`,
      `GET /repos/Codertocat/Hello-World/commits/${sha}/comments`,
      "GET /repos/Codertocat/Hello-World/collaborators/Codertocat/permission",
      "GET /repos/Codertocat/Hello-World/contents/.github%2Fskill-quarantine.yml",
      "GET /repos/Codertocat/skill-appeals/contents/.github%2Fskill-quarantine-blocklist.yml",
      "GET /repos/Codertocat/skill-appeals/issues",
      "GET /repos/Codertocat/skill-appeals/issues",
      `GET /repos/Codertocat/Hello-World/tarball/${sha}`,
      `GET /repos/Codertocat/Hello-World/tarball/${BASE}`,
      "GET /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/issues",
      `POST /repos/Codertocat/Hello-World/comments/${id}/reactions`,
      `POST /repos/Codertocat/Hello-World/commits/${sha}/comments`,
    ]);
    const marker = readMarker("appeal", posted("/skill-appeals/issues")[0]!.body.body, KEY)!;
    expect(marker).toMatchObject({
      sha,
      base: BASE,
      author: "Codertocat",
      // The commit's author is recorded, so that they cannot review the appeal either.
      pusher: "octo-pusher",
      url: `https://github.com/Codertocat/Hello-World/commit/${sha}`,
    });
    const reply: Json = posted(`/commits/${sha}/comments`)[0]!.body;
    expect(readMarker("reply", reply.body, KEY)).toEqual({ v: 1, to: id });
  });
});
