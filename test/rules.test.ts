import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSync } from "recheck";
import { describe, expect, it } from "vitest";
import { assertSafePatterns } from "../src/node/redos.js";
import { compileRuleFiles, RuleError } from "../src/scan/rules/compile.js";
import { detects, passesPrefilter } from "../src/scan/rules/examples.js";
import { buildRuleSet, DATA_FILES } from "../src/scan/ruleset.js";

// Every detection rule is data (rules/*.yml) and carries its own examples. This suite runs them all:
// each `examples.match` must pass the keyword prefilter and match, each `examples.noMatch` must not,
// and each pattern must be free of catastrophic backtracking, because scanned text is
// attacker-controlled.

const RULES_DIR = fileURLToPath(new URL("../rules/", import.meta.url));

// recheck runs on a native binary when the platform package is installed (about ten times faster
// than its pure-JS build) and never spawns a JVM. Respect an explicit choice from the environment.
if (!process.env.RECHECK_BACKEND) {
  const platform = { darwin: "macos", linux: "linux", win32: "windows" }[process.platform as string];
  let native = false;
  try {
    createRequire(import.meta.url).resolve(`recheck-${platform}-${process.arch}/package.json`);
    native = true;
  } catch {
    native = false;
  }
  process.env.RECHECK_BACKEND = native ? "native" : "pure";
}

const ruleFiles = readdirSync(RULES_DIR)
  .filter((name) => name.endsWith(".yml"))
  .sort()
  .map((name) => ({ file: `rules/${name}`, text: readFileSync(join(RULES_DIR, name), "utf8") }));
const ruleSet = buildRuleSet(ruleFiles);
const rules = ruleSet.rules;
const detectionFiles = ruleFiles.filter(
  (f) => !(Object.values(DATA_FILES) as string[]).includes(basename(f.file)),
);

const prefilter = passesPrefilter;

describe("rule files", () => {
  it("load through buildRuleSet, with every detection file contributing rules", () => {
    expect(detectionFiles.length).toBeGreaterThanOrEqual(9);
    expect(rules.length).toBeGreaterThan(50);
    for (const f of detectionFiles)
      expect(
        rules.some((r) => r.source === f.file),
        f.file,
      ).toBe(true);
    expect(ruleSet.domains.allow.length).toBeGreaterThan(0);
  });

  it("never lower a MALICIOUS rule for quoted text: one step down is still a quarantine", () => {
    // A quoted or code-block match of a MALICIOUS phrase would land at SUSPICIOUS and quarantine
    // security documentation that merely mentions it; such rules use `skip` (phrases) or `keep`
    // (commands, which the agent runs from code blocks).
    expect(rules.filter((r) => r.level === "MALICIOUS" && r.whenQuoted === "lower").map((r) => r.id)).toEqual(
      [],
    );
  });

  it("name their category after the file, and keep one id prefix per file", () => {
    for (const f of detectionFiles) {
      const inFile = rules.filter((r) => r.source === f.file);
      expect(new Set(inFile.map((r) => r.category)), f.file).toEqual(new Set([basename(f.file, ".yml")]));
      expect(new Set(inFile.map((r) => r.id.split(".")[0])).size, f.file).toBe(1);
    }
  });
});

describe.each(rules)("$id", (rule) => {
  it("matches every examples.match string (prefilter and pattern)", () => {
    const missed = rule.examples.match.filter((text) => !detects(rule, text));
    const noKeyword = rule.examples.match.filter((text) => !prefilter(rule, text));
    expect({ missed, noKeyword }).toEqual({ missed: [], noKeyword: [] });
  });

  it("matches no examples.noMatch string", () => {
    expect(rule.examples.noMatch.filter((text) => detects(rule, text))).toEqual([]);
  });

  it("is free of catastrophic backtracking (recheck)", () => {
    // The automaton checker is exact; `auto` would pick the fuzzer for large bounded repeats and
    // report false "polynomial" results. Rules keep every quantifier bounded, so the automaton
    // proves them safe in milliseconds.
    for (const source of [rule.pattern, rule.unless].filter((p) => p !== undefined)) {
      const result = checkSync(source, rule.flags, { checker: "automaton", timeout: 10_000 });
      const detail =
        result.status === "vulnerable"
          ? `${result.complexity.summary}; attack ${JSON.stringify(result.attack.pattern)}`
          : result.status === "unknown"
            ? `${result.error.kind}: keep every quantifier bounded ({m,n}) and avoid lookarounds`
            : "";
      expect({ status: result.status, detail }).toEqual({ status: "safe", detail: "" });
    }
  });

  it("scans adversarial input in linear time", () => {
    // Long single lines built from the rule's own keywords and examples: the inputs most likely to
    // start many match attempts that run far before failing.
    const size = 16_384;
    const fill = (unit: string) => unit.repeat(Math.ceil(size / Math.max(unit.length, 1))).slice(0, size);
    const units = [
      ...rule.keywords.flatMap((k) => [`${k} `, `${k}\t`, `${k}-`, `${k}/`, `${k}${"x".repeat(40)} `]),
      ...[...rule.examples.match, ...rule.examples.noMatch].map((e) => `${e.replace(/\n/g, " ")} `),
    ];
    const re = new RegExp(rule.regex.source, rule.regex.flags);
    const started = performance.now();
    for (const unit of units) {
      const text = fill(unit);
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) if (m[0].length === 0) re.lastIndex++;
    }
    const ms = performance.now() - started;
    expect(ms, `${units.length} inputs of ${size} characters`).toBeLessThan(2_000);
  });
});

describe("a bad rule file is refused with the file, the rule and the field", () => {
  const rule = (lines: string) =>
    [
      "category: test",
      "rules:",
      "  - id: test.sample",
      "    title: Sample rule",
      "    level: RISKY",
      "    appliesTo: [instructions]",
      ...lines.split("\n").filter(Boolean),
      "    explanation: Says what the rule finds.",
      "    remediation: Says what to do.",
    ].join("\n");
  const good = "    keywords: [abc]\n    pattern: 'abc'\n    examples: {match: [abc], noMatch: [xyz]}\n";

  it.each([
    ["a missing keywords list", rule(good.replace("    keywords: [abc]\n", "")), /field "keywords"/],
    ["an invalid regex", rule(good.replace("'abc'", "'a(b'")), /field "pattern" is not a valid/],
    ["an invalid exception", rule(`${good}    unless: 'a[b'\n`), /field "unless" is not a valid/],
    ["an unknown key", rule(`${good}    severity: HIGH\n`), /Unrecognized key: "severity"/],
    ["no noMatch examples", rule(good.replace(", noMatch: [xyz]", "")), /field "examples\.noMatch"/],
    ["an unknown level", rule(good).replace("level: RISKY", "level: CRITICAL"), /field "level"/],
    ["an unknown text kind", rule(good).replace("[instructions]", "[markdown]"), /field "appliesTo\.0"/],
    ["an id that is not dotted", rule(good).replace("test.sample", "Sample"), /field "id"/],
  ])("%s", (_name, text, field) => {
    const load = () => buildRuleSet([{ file: "rules/bad.yml", text }]);
    expect(load).toThrow(RuleError);
    expect(load).toThrow(/^rules\/bad\.yml: rule (test\.sample|Sample): /);
    expect(load).toThrow(field);
  });

  it("an exception that can backtrack catastrophically, as a user rule", () => {
    const [r] = compileRuleFiles([{ file: "rules/user.yml", text: rule(`${good}    unless: '^(a+)+$'\n`) }]);
    expect(() => assertSafePatterns([r!])).toThrow(
      /^rules\/user\.yml: rule test\.sample: field "unless" is vulnerable to catastrophic backtracking/,
    );
  });

  it("a duplicate id across two files", () => {
    const text = rule(good);
    const load = () =>
      compileRuleFiles([
        { file: "rules/one.yml", text },
        { file: "rules/two.yml", text },
      ]);
    expect(load).toThrow(
      /^rules\/two\.yml: rule test\.sample: field "id" duplicates a rule in rules\/one\.yml/,
    );
  });

  it("a file that is not YAML, or has no rules", () => {
    expect(() => buildRuleSet([{ file: "rules/bad.yml", text: "category: [x\n" }])).toThrow(
      /^rules\/bad\.yml: not valid YAML/,
    );
    expect(() => buildRuleSet([{ file: "rules/bad.yml", text: "category: test\nrules: []\n" }])).toThrow(
      /^rules\/bad\.yml: field "rules"/,
    );
  });
});
