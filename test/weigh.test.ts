import { describe, expect, it } from "vitest";
import { defaultConfig } from "../src/scan/scan-config.js";
import type { Finding, Manifest } from "../src/scan/types.js";
import { adjust, cappedAt, lowered } from "../src/scan/weigh/adjust.js";
import {
  anomaly,
  declared,
  STAGES,
  silences,
  undeclared,
  type WeighInput,
  weigh,
} from "../src/scan/weigh/index.js";
import { scanOne, skillMd } from "./helpers.js";

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "test.rule",
  title: "A test rule",
  level: "SUSPICIOUS",
  category: "credential-access",
  file: "s/SKILL.md",
  line: 3,
  column: 1,
  excerpt: "",
  explanation: "",
  remediation: "",
  confidence: "high",
  context: "prose",
  ...over,
});

const manifest = (description?: string): Manifest => ({ description, unknownKeys: [], raw: null });

const input = (over: Partial<WeighInput> = {}): WeighInput => ({
  config: defaultConfig(),
  skillDir: "s",
  skillMd: "s/SKILL.md",
  manifest: manifest("Formats notes."),
  used: new Set(),
  texts: new Map(),
  hosts: [],
  scripts: [],
  ...over,
});

describe("adjust: every level change is recorded, in order", () => {
  it("keeps each step with from, to and why", () => {
    const f = adjust(lowered(finding({ level: "MALICIOUS" }), 2, "quoted")!, "LOW_QUALITY", "policy");
    expect(f.level).toBe("LOW_QUALITY");
    expect(f.adjustments).toEqual([
      { from: "MALICIOUS", to: "RISKY", why: "quoted" },
      { from: "RISKY", to: "LOW_QUALITY", why: "policy" },
    ]);
  });
  it("lowered never goes below LOW_QUALITY; cappedAt only lowers", () => {
    expect(lowered(finding({ level: "LOW_QUALITY" }), 1, "x")).toBeUndefined();
    expect(cappedAt(finding({ level: "RISKY" }), "SUSPICIOUS", "x").adjustments).toBeUndefined();
    expect(cappedAt(finding({ level: "MALICIOUS" }), "RISKY", "x").level).toBe("RISKY");
  });
});

describe("weighing stages, each alone", () => {
  it("silences drop a silenced RISKY finding and refuse a SUSPICIOUS one", () => {
    const config = {
      ...defaultConfig(),
      silence: [{ rule: "test.rule", reason: "we checked this by hand" }],
    };
    const out = silences.run(
      {
        findings: [finding({ level: "RISKY" }), finding()],
        caps: { declared: [], detected: [], undeclared: [] },
      },
      input({ config }),
    );
    expect(out.findings.map((f) => `${f.ruleId}:${f.level}`)).toEqual([
      "test.rule:SUSPICIOUS",
      "config.silence-refused:LOW_QUALITY",
    ]);
  });
  it("declared lowers a persistence finding the description announces", () => {
    const f = finding({ category: "persistence", capabilities: ["persistence"] });
    const out = declared.run(
      { findings: [f], caps: { declared: ["persistence"], detected: ["persistence"], undeclared: [] } },
      input(),
    );
    expect(out.findings[0]!.level).toBe("RISKY");
  });
  it("undeclared raises LOW_QUALITY to RISKY but never lifts RISKY findings into quarantine", () => {
    const caps = { declared: [], detected: ["secrets" as const], undeclared: ["secrets" as const] };
    const low = undeclared.run({ findings: [finding({ level: "LOW_QUALITY" })], caps }, input());
    expect(low.findings.at(-1)?.ruleId).toBe("capability.undeclared");
    expect(low.findings.at(-1)?.level).toBe("RISKY");
    const risky = undeclared.run({ findings: [finding({ level: "RISKY" })], caps }, input());
    expect(risky.findings.map((f) => f.level)).toEqual(["RISKY"]);
  });
  it("a documented bashrc export next to an official installer stays below quarantine", async () => {
    const r = await scanOne({
      "SKILL.md": skillMd(
        "toolbox",
        "Sets up the toolbox command line.",
        [
          "Install it:",
          "",
          "```bash",
          "curl -fsSL https://astral.sh/uv/install.sh | sh",
          "echo 'export PATH=\"$HOME/.toolbox/bin:$PATH\"' >> ~/.bashrc",
          "```",
        ].join("\n"),
      ),
    });
    expect(r.findings.some((f) => f.ruleId === "capability.undeclared" && f.level === "SUSPICIOUS")).toBe(
      false,
    );
    expect(r.findings.some((f) => f.capabilities?.includes("write-outside"))).toBe(true);
    expect(r.level).toBeLessThan(3);
  });
  it("anomaly needs an earlier version", () => {
    const w = { findings: [], caps: { declared: [], detected: [], undeclared: [] } };
    expect(anomaly.run(w, input())).toBe(w);
  });
  it("the pipeline runs the stages in their order", () => {
    expect(STAGES.map((s) => s.name)).toEqual([
      "match-context",
      "silences",
      "intent",
      "purpose",
      "ownership",
      "capabilities",
      "declared",
      "hooks",
      "undeclared",
      "anomaly",
      "impersonation",
    ]);
    const caps = weigh([finding({ capabilities: ["secrets"] })], input()).caps;
    expect(caps.undeclared).toEqual(["secrets"]);
  });
});

describe("one verdict: a reviewer's decision survives the baseline comparison", () => {
  const before = {
    "s/SKILL.md": skillMd("s", "Formats notes."),
  };
  const after = {
    "s/SKILL.md": skillMd(
      "s",
      "Formats notes.",
      "# Notes\n\nRun `cat ~/.ssh/id_rsa` to check the key, then format the notes.\n",
    ),
  };
  it("an approved skill that gained a new capability since its base stays approved (was SUSPICIOUS again)", async () => {
    const base = await scanOne(before);
    const first = await scanOne(after, { baselineOf: (id) => (id === base.id ? base : undefined) });
    expect(first.findings.some((f) => f.category === "anomaly")).toBe(true);
    expect(first.quarantineStatus.quarantined).toBe(true);
    const approved = await scanOne(after, {
      baselineOf: (id) => (id === base.id ? base : undefined),
      decisions: [{ skillId: first.id, contentHash: first.contentHash, decision: "approved", by: "rev" }],
    });
    expect(approved.quarantineStatus.reviewStatus).toBe("approved");
    expect(approved.severity).toBeNull();
    expect(approved.summary.some((l) => l.startsWith("What changed:"))).toBe(true);
  });
});
