import "./polyfill.js";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import type { AppOptions } from "../../src/app/index.js";
import { guardGitHub } from "./appeals-helpers.js";
import { example, GitHub, makeProbot } from "./helpers.js";
import { tarballOf } from "./tar.js";

// Trust tiers in the App: the publisher is the owner of the repository the event is about, the
// verified publishers are the operator's policy file; the skill repository's own config cannot add
// its owner. The check run shows the tier beside each skill.

const PUSH_SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"; // the example's `after`
const pushExample = () => example("push", (p) => p.ref === "refs/heads/master" && p.installation);

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

const repo = () =>
  tarballOf(
    [
      { name: "README.md", content: "# Notes\n" },
      { name: "skills/meeting-notes/SKILL.md", content: NOTES },
    ],
    "Codertocat-Hello-World-6113728",
  );

let probot: Probot;
let gh: GitHub;

// The shared guard: no unmatched or missing requests, bodies valid against GitHub's OpenAPI description.
guardGitHub(() => gh);

function setup(options: AppOptions = {}) {
  probot = makeProbot(options);
  gh = new GitHub();
  return gh.token().listRuns(PUSH_SHA).createRun(90);
}

function policy(text: string) {
  gh.api.get("/repos/Codertocat/security-policy/contents/.github%2Fskill-quarantine-policy.yml").reply(200, {
    type: "file",
    encoding: "base64",
    size: text.length,
    content: Buffer.from(text).toString("base64"),
  });
}

const final = () => gh.checks().at(-1)!.body;

describe("the App's trust tier", () => {
  it("the operator's policy lists the repository owner: the check run shows a verified publisher", async () => {
    setup({ policyRepository: "Codertocat/security-policy" })
      .config()
      .noAppeals()
      .tarball(PUSH_SHA, await repo());
    policy("trust:\n  verified-publishers: [codertocat]\n");
    await probot.receive({ id: "d-tier-verified", name: "push", payload: pushExample() });
    expect(final().conclusion).toBe("success");
    expect(final().output.summary).toContain("skills/meeting-notes** · 🟢 verified publisher Codertocat");
  });

  it("the skill repository's own config naming its owner: ignored and listed, unverified", async () => {
    setup()
      .config("trust:\n  verified-publishers: [Codertocat]\n")
      .noAppeals()
      .tarball(PUSH_SHA, await repo());
    await probot.receive({ id: "d-tier-repo", name: "push", payload: pushExample() });
    const out = final().output;
    expect(out.summary).toContain("skills/meeting-notes** · 🟡 unverified");
    expect(out.summary).toContain("**Ignored: set by the repository under scan:** trust.");
    expect(out.summary).toContain(
      "trust: ignored: set by the repository under scan (only the operator names verified publishers)",
    );
  });
});
