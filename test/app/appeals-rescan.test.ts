import "./polyfill.js";
import { describe, expect, it } from "vitest";
import { readMarker } from "../../src/appeals/markers.js";
import {
  FORMATTER,
  guardGitHub,
  HEAD,
  HEAD_LAYOUT,
  KEY,
  NOTES,
  plain,
  skillFiles,
  World,
} from "./appeals-helpers.js";
import { example, type Json } from "./helpers.js";

// DESIGN "GitHub App flows" 3: every scan of a repository reports on its open appeals, once per new
// content hash of the skill. RISKY / LOW_QUALITY appeals whose skill now scans clean are closed as
// resolved by that commit; SUSPICIOUS / MALICIOUS appeals stay open with rescan:clean or
// rescan:still-flagged, for a reviewer to decide.

let w: World;

guardGitHub(() => w.gh);

const SHA_1 = "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c1";
const SHA_2 = "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c2";

function push(after: string, before: string, id: string) {
  const payload: Json = example("push", (e) => e.ref === "refs/heads/master" && e.installation);
  Object.assign(payload, { after, before, created: false });
  return w.probot.receive({ id, name: "push", payload });
}

const RESCAN_LABELS = ["review:resolved", "rescan:clean", "rescan:still-flagged"];

describe("re-scan of open appeals", () => {
  it("a RISKY appeal whose skill now scans clean is closed as resolved by that commit", async () => {
    w = new World();
    const RISKY = { "skills/clean-notes": NOTES, "skills/weather": skillFiles("weather-unlisted", "app") };
    const CLEAN = { "skills/clean-notes": NOTES, "skills/weather": skillFiles("weather-plain", "app") };
    // RISKY is appealed only by naming the skill: the bare form appeals quarantined skills only.
    await w.appealOnPr({
      layout: RISKY,
      severity: "RISKY",
      body: "/appeal skills/weather The host is the weather service's own API.",
    });
    expect(readMarker("appeal", w.appeals.issue(100).body, KEY)).toMatchObject({
      level: "RISKY",
      due: ["2026-01-03T03:04:05.000Z", "2026-01-05T03:04:05.000Z"], // RISKY: 1–3 days
    });

    await w.checkRun(500, SHA_1, CLEAN, { sha: HEAD, layout: RISKY }, { open: [100] });
    w.s
      .comment(w.appeals, 100)
      .labels(w.appeals, RESCAN_LABELS)
      .addLabels(w.appeals, 100)
      .removeLabel(w.appeals, 100, "review:pending")
      .updateIssue(w.appeals, 100);
    await push(SHA_1, HEAD, "d-fix");

    expect(w.lines().slice(-11)).toEqual([
      "POST /repos/Codertocat/Hello-World/check-runs",
      `GET /repos/Codertocat/Hello-World/commits/${SHA_1}/check-runs`,
      "GET /repos/Codertocat/skill-appeals/issues/100/comments",
      "POST /repos/Codertocat/skill-appeals/issues/100/comments",
      "GET /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/labels",
      "POST /repos/Codertocat/skill-appeals/issues/100/labels",
      "DELETE /repos/Codertocat/skill-appeals/issues/100/labels/review%3Apending",
      "PATCH /repos/Codertocat/skill-appeals/issues/100",
    ]);
    expect(w.gh.checks().at(-1)!.body.conclusion).toBe("success");
    const comment: string = w.posted("/issues/100/comments")[0]!.body.body;
    expect(readMarker("rescan", comment, KEY)).toMatchObject({ sha: SHA_1, level: "none", findings: [] });
    expect(comment).toContain("✅ **nothing to quarantine**");
    expect(comment).toContain(`https://github.com/Codertocat/Hello-World/runs/500`);
    expect(plain(comment)).toContain(
      "**No longer found:**\n- <code>url.unlisted-host@skills/weather/SKILL.md</code>",
    );
    expect(comment).toContain("Resolved by [`c0c0c0c`]");
    expect(w.posted("/issues/100/labels")[0]!.body).toEqual({ labels: ["review:resolved"] });
    expect(w.gh.requests.at(-1)).toMatchObject({
      method: "PATCH",
      path: "/repos/Codertocat/skill-appeals/issues/100",
      body: { state: "closed", state_reason: "completed" },
    });
    expect(w.appeals.issue(100).state).toBe("closed");
  });

  it("a SUSPICIOUS appeal stays open: rescan:still-flagged, then rescan:clean; the same content again adds nothing", async () => {
    w = new World();
    await w.appealOnPr();
    // 1. A push that changes the skill but keeps the hidden instructions.
    const STILL = {
      ...HEAD_LAYOUT,
      "skills/suspicious-formatter": { "SKILL.md": `${FORMATTER["SKILL.md"]}\nUse metric units.\n` },
    };
    await w.checkRun(501, SHA_1, STILL, { sha: HEAD, layout: HEAD_LAYOUT }, { open: [100] });
    w.s.comment(w.appeals, 100).labels(w.appeals, RESCAN_LABELS).addLabels(w.appeals, 100);
    await push(SHA_1, HEAD, "d-still");
    expect(w.posted("/issues/100/labels")[0]!.body).toEqual({ labels: ["rescan:still-flagged"] });
    expect(w.posted("/issues/100/comments")[0]!.body.body).toContain("**SUSPICIOUS**");
    expect(w.posted("/issues/100/comments")[0]!.body.body).toContain("A reviewer still decides.");

    // 2. The fix: the hidden comment is gone. Still open for a reviewer, labelled rescan:clean.
    w.gh.requests.length = 0;
    const FIXED = {
      ...HEAD_LAYOUT,
      "skills/suspicious-formatter": {
        "SKILL.md": FORMATTER["SKILL.md"]!.replace(/<!--[\s\S]*?-->\n/, ""),
      },
    };
    await w.checkRun(502, SHA_2, FIXED, { sha: SHA_1, layout: STILL }, { open: [100] });
    w.s
      .comment(w.appeals, 100)
      .labels(w.appeals)
      .addLabels(w.appeals, 100)
      .removeLabel(w.appeals, 100, "rescan:still-flagged");
    await push(SHA_2, SHA_1, "d-fixed");
    const comment: string = w.posted("/issues/100/comments")[0]!.body.body;
    expect(comment).toContain("✅ **nothing to quarantine**");
    expect(comment).toContain("A SUSPICIOUS verdict still needs a reviewer's decision");
    expect(plain(comment)).toContain("**No longer found:**");
    expect(w.posted("/issues/100/labels")[0]!.body).toEqual({ labels: ["rescan:clean"] });
    expect(w.appeals.issue(100)).toMatchObject({ state: "open" });
    expect(w.appeals.issue(100).labels).toEqual([
      "quarantine-appeal",
      "severity:SUSPICIOUS",
      "review:pending",
      "rescan:clean",
    ]);
    expect(w.gh.checks().at(-1)!.body.conclusion).toBe("success");

    // 3. Re-running the same commit: the skill's content hash was already reported; nothing is written.
    w.gh.requests.length = 0;
    await w.checkRun(503, SHA_2, FIXED, { sha: SHA_1, layout: STILL }, { open: [100] });
    await push(SHA_2, SHA_1, "d-fixed-again");
    expect(w.lines().filter((l) => l.includes("skill-appeals") && !l.startsWith("GET"))).toEqual([]);
  });
});
