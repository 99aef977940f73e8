import "./polyfill.js";
import { describe, expect, it } from "vitest";
import { chooseAppeal } from "../../src/app/commands/appeal.js";
import { splitAppealArgs } from "../../src/app/commands/parse.js";
import { readMarker } from "../../src/appeals/markers.js";
import type { SkillReport } from "../../src/scan/index.js";
import { skill } from "../report-fixtures.js";
import {
  BASE,
  BASE_LAYOUT,
  COMMENT_ID,
  FORMATTER,
  guardGitHub,
  HEAD,
  KEY,
  type Layout,
  NOTES,
  plain,
  prCommentPayload,
  SKILL_REPO,
  skillFiles,
  World,
} from "./appeals-helpers.js";

// Issue 15: one `/appeal` opens at most one issue. `/appeal <skill-id> <why>` appeals that skill; the
// bare form appeals the one quarantined skill, and with several asks which in one reply. Before, one
// `/appeal` on a 181-skill monorepo opened an issue for every flagged skill (41, RISKY and LOW_QUALITY
// included). Every request is listed; nock fails on any other.

let w: World;
guardGitHub(() => w.gh);

const MALICIOUS = skillFiles("malicious-prereq");
const RISKY = skillFiles("risky-weather");
/** Three quarantined skills (two SUSPICIOUS, one MALICIOUS), one RISKY, one clean. */
const MONOREPO: Layout = {
  "skills/clean-notes": NOTES,
  "skills/formatter-a": FORMATTER,
  "skills/formatter-b": FORMATTER,
  "skills/prereq": MALICIOUS,
  "skills/weather": RISKY,
};
const PR_BASE = { sha: BASE, layout: BASE_LAYOUT };

/** `/appeal …` on PR #2 with `layout` at its head; `then` adds the requests expected after the scan. */
async function appeal(layout: Layout, body: string, then: (w: World) => void) {
  w = new World();
  w.prStart();
  await w.scan(HEAD, layout, PR_BASE);
  then(w);
  await w.probot.receive({ id: `d-${body.length}`, name: "issue_comment", payload: prCommentPayload(body) });
}

const replyText = () => plain(w.posted("/issues/2/comments")[0]!.body.body as string);
const issuesOpened = () => w.posted("/skill-appeals/issues");
/** Requests after the scan (the tarballs are the last requests of the scan). */
const afterScan = () => w.lines().slice(w.lines().findLastIndex((l) => l.includes("/tarball/")) + 1);

describe("/appeal <skill-id> <why>", () => {
  it("appeals the named skill only: one issue, labels for its level only", async () => {
    await appeal(MONOREPO, "/appeal skills/prereq The prerequisite script is our own installer.", (x) =>
      x.s
        .labels(x.appeals, ["quarantine-appeal", "review:pending", "severity:MALICIOUS"])
        .createIssue(x.appeals)
        .react(SKILL_REPO, "issue", COMMENT_ID)
        .comment(x.skillRepo, 2),
    );
    expect(issuesOpened()).toHaveLength(1);
    const created = issuesOpened()[0]!.body;
    expect(readMarker("appeal", created.body, KEY)).toMatchObject({
      skillId: "skills/prereq",
      level: "MALICIOUS",
    });
    expect(created.labels).toEqual(["quarantine-appeal", "severity:MALICIOUS", "review:pending"]);
    // The skill id is not part of the justification.
    expect(plain(created.body)).toContain("> The prerequisite script is our own installer.");
    expect(plain(created.body)).not.toContain("> skills/prereq The");
    expect(replyText()).toContain(
      "skills/prereq</code> (MALICIOUS): https://github.com/Codertocat/skill-appeals/issues/100",
    );
  });

  it("names a RISKY skill: appealed (a deliberate request), one issue", async () => {
    await appeal(MONOREPO, "/appeal `skills/weather`: the host is the weather service's own API.", (x) =>
      x.s
        .labels(x.appeals, ["quarantine-appeal", "review:pending", "severity:RISKY"])
        .createIssue(x.appeals)
        .react(SKILL_REPO, "issue", COMMENT_ID)
        .comment(x.skillRepo, 2),
    );
    expect(issuesOpened()).toHaveLength(1);
    expect(readMarker("appeal", issuesOpened()[0]!.body.body, KEY)).toMatchObject({
      skillId: "skills/weather",
      level: "RISKY",
    });
  });

  it("an unknown skill id: one reply naming the skills that can be appealed, nothing opened", async () => {
    await appeal(MONOREPO, "/appeal skills/formater-a it is fine", (x) => x.s.comment(x.skillRepo, 2));
    expect(afterScan()).toEqual(["POST /repos/Codertocat/Hello-World/issues/2/comments"]);
    const text = replyText();
    expect(readMarker("reply", w.posted("/issues/2/comments")[0]!.body.body, KEY)).toEqual({
      v: 1,
      to: COMMENT_ID,
    });
    expect(text).toContain("no skill at ec26c3e has the id <code>skills/formater-a</code>");
    for (const id of ["skills/prereq", "skills/formatter-a", "skills/formatter-b", "skills/weather"])
      expect(text).toContain(`<code>${id}</code>`);
    expect(text).not.toContain("<code>skills/clean-notes</code>");
  });

  it("a named skill without a justification: the help, nothing opened", async () => {
    await appeal(MONOREPO, "/appeal skills/prereq", (x) => x.s.comment(x.skillRepo, 2));
    expect(afterScan()).toEqual(["POST /repos/Codertocat/Hello-World/issues/2/comments"]);
    expect(replyText()).toContain("an appeal for <code>skills/prereq</code> needs a justification");
  });
});

describe("bare /appeal <why>", () => {
  it("three quarantined skills: one reply listing them with their levels, asking which; no issue", async () => {
    await appeal(MONOREPO, "/appeal These are all fine.", (x) => x.s.comment(x.skillRepo, 2));
    expect(afterScan()).toEqual(["POST /repos/Codertocat/Hello-World/issues/2/comments"]);
    expect(issuesOpened()).toEqual([]);
    const text = replyText();
    expect(text).toContain("3 skills at ec26c3e are quarantined");
    expect(text).toContain("Which one?");
    const listed = text.split("\n").filter((l) => l.startsWith("- "));
    expect(listed).toEqual([
      "- <code>skills/prereq</code> (MALICIOUS)",
      "- <code>skills/formatter-a</code> (SUSPICIOUS)",
      "- <code>skills/formatter-b</code> (SUSPICIOUS)",
    ]);
    expect(text).toContain("<code>/appeal skills/prereq <why the skill is safe></code>");
  });

  it("one quarantined skill next to a RISKY one: that skill is appealed, one issue", async () => {
    const layout = { "skills/formatter": FORMATTER, "skills/weather": RISKY };
    await appeal(layout, "/appeal The HTML comment is a note for maintainers.", (x) =>
      x.s
        .labels(x.appeals, ["quarantine-appeal", "review:pending", "severity:SUSPICIOUS"])
        .createIssue(x.appeals)
        .react(SKILL_REPO, "issue", COMMENT_ID)
        .comment(x.skillRepo, 2),
    );
    expect(issuesOpened()).toHaveLength(1);
    expect(readMarker("appeal", issuesOpened()[0]!.body.body, KEY)!.skillId).toBe("skills/formatter");
  });

  it("RISKY skills only: one reply saying nothing is quarantined, listing them; no issue", async () => {
    const layout = { "skills/clean-notes": NOTES, "skills/weather": RISKY };
    await appeal(layout, "/appeal The host is fine.", (x) => x.s.comment(x.skillRepo, 2));
    expect(afterScan()).toEqual(["POST /repos/Codertocat/Hello-World/issues/2/comments"]);
    expect(issuesOpened()).toEqual([]);
    const text = replyText();
    expect(text).toContain("none of the 2 skill(s) at ec26c3e is quarantined (SUSPICIOUS or MALICIOUS)");
    expect(text).toContain("- <code>skills/weather</code> (RISKY)");
    expect(text).toContain("<code>/appeal <skill-id> <why></code>");
  });
});

describe("choosing the skill (unit)", () => {
  const s = (id: string, severity: SkillReport["severity"], path = id) =>
    skill({
      id,
      path,
      severity,
      level: (severity ? ["LOW_QUALITY", "RISKY", "SUSPICIOUS", "MALICIOUS"].indexOf(severity) + 1 : 0) as 0,
      quarantineStatus: {
        quarantined: severity === "SUSPICIOUS" || severity === "MALICIOUS",
        severity,
        reason: "x",
        reviewStatus: "none",
      },
    });
  const skills = [
    s("acme/tools/pdf", "SUSPICIOUS", "tools/pdf"),
    s("acme/tools/csv", "RISKY", "tools/csv"),
    s("acme/other/csv", "RISKY", "other/csv"),
    s("acme/tools/ok", null, "tools/ok"),
  ];

  it("by id, by folder path or by the folder's name when only one skill has it, case-insensitively", () => {
    expect(chooseAppeal(skills, "acme/tools/pdf why")).toMatchObject({ kind: "skill", why: "why" });
    expect(chooseAppeal(skills, "ACME/Tools/PDF why")).toMatchObject({ kind: "skill" });
    expect(chooseAppeal(skills, "tools/csv: why")).toMatchObject({ kind: "skill", why: "why" });
    expect(chooseAppeal(skills, "pdf why")).toMatchObject({ kind: "skill", why: "why" });
    // Two folders named csv: the name alone is the justification's first word, not a skill.
    expect(chooseAppeal(skills, "csv is fine")).toMatchObject({ kind: "skill", why: "csv is fine" });
    expect(chooseAppeal(skills, "tools/ok why")).toMatchObject({ kind: "clean" });
  });

  it("a path-like or quoted first word that names no skill is an unknown id; a plain word is the justification", () => {
    expect(chooseAppeal(skills, "tools/pfd why")).toEqual({ kind: "unknown", word: "tools/pfd" });
    expect(chooseAppeal(skills, "`pfd` why")).toEqual({ kind: "unknown", word: "pfd" });
    const bare = chooseAppeal(skills, "The script is ours.");
    expect(bare).toMatchObject({ kind: "skill", why: "The script is ours." });
    expect((bare as { skill: SkillReport }).skill.id).toBe("acme/tools/pdf");
  });

  it("splitAppealArgs keeps the rest whole, over several lines", () => {
    expect(splitAppealArgs("  `skills/x`:  line one\nline two ")).toEqual({
      word: "skills/x",
      rest: "line one\nline two",
      quoted: true,
    });
    expect(splitAppealArgs("")).toEqual({ word: "", rest: "", quoted: false });
  });
});
