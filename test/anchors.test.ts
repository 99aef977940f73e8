import { describe, expect, it } from "vitest";
import { loadBuiltinRuleSet } from "../src/node/load.js";
import type { AnalysisContext, TextFile } from "../src/scan/analyze/analysis-context.js";
import { runRules } from "../src/scan/analyze/rules.js";
import {
  type Anchor,
  type Anchors,
  decodeAnchors,
  encodeAnchors,
  requiredLiterals,
} from "../src/scan/rules/anchors.js";
import { buildRuleSet } from "../src/scan/ruleset.js";
import { defaultConfig } from "../src/scan/scan-config.js";
import { lowerForKeywords } from "../src/scan/text/keywords.js";
import { LineIndex } from "../src/scan/text/lines.js";

// Anchors (src/scan/rules/anchors.ts) let a rule's regex skip windows that cannot hold a match. They
// must never skip one that can: checked here on the parser's own cases, on every real match of every
// built-in rule's examples, and end to end on a rule whose regex is watched.

const show = (a: Anchor) => `${a.wordStart ? "\\b" : ""}${a.text}${a.wordEnd ? "\\b" : ""}`;
const sets = (source: string) =>
  requiredLiterals(source)?.map((branch) => branch.map((set) => set.map(show)));

describe("requiredLiterals", () => {
  it("reads literals, word boundaries and alternations", () => {
    expect(sets("\\bcurl\\b[^\\n]{0,80}\\|\\s*(?:ba)?sh\\b")).toEqual([[["\\bcurl\\b"]]]);
    expect(sets("(?:upload|send)\\s+secrets")).toEqual([[["secrets"], ["upload", "send"]]]);
    // Lower-cased (the text they are looked up in is), an optional part both ways.
    expect(sets("API_?KEY")).toEqual([[["api_key", "apikey"]]]);
  });

  it("gives one list per top-level branch, and none when a branch requires nothing", () => {
    // "key" alone is too short to be worth finding: the second branch keeps only "private".
    expect(sets("wallet\\s+seed|private\\s+keys?")).toEqual([[["wallet"], ["seed"]], [["private"]]]);
    expect(sets("wallet\\s+seed|\\d{12}")).toBeUndefined();
    expect(sets("(?:token)?\\s*=\\s*\\w+")).toBeUndefined();
  });

  it("requires nothing of what may be absent or is not text of the match", () => {
    expect(sets("(?<!never\\s)install\\s+(?:the\\s+)?agent")).toEqual([[["install"], ["agent"]]]);
    // What a lookahead asks for may lie outside the match: only "login" is required.
    expect(sets("(?=.*password)login")).toEqual([[["login"]]]);
  });

  it("refuses what it does not understand rather than guess", () => {
    // An escape whose meaning depends on the flags counts as any character; a legacy octal escape is
    // one character, its digits included (`\\012` is a newline, not "12").
    expect(sets("\\qabcd")).toEqual([[["abcd"]]]);
    expect(sets("\\0123abcd")).toEqual([[["3abcd"]]]);
    expect(requiredLiterals("(foo")).toBeUndefined();
    expect(requiredLiterals("[abc")).toBeUndefined();
    // Short ASCII strings cost more to find than they save.
    expect(requiredLiterals("ab\\s+cd")).toBeUndefined();
  });

  it("keeps long-s and Cyrillic letter variants findable (lowerForKeywords folds them)", () => {
    expect(lowerForKeywords("Paſſwort \u1c82k")).toBe("passwort \u043ek");
    expect(lowerForKeywords("Plain Text")).toBe("plain text");
    // The offsets stay the text's own.
    expect(lowerForKeywords("ſ\u1c80x").length).toBe(3);
  });
});

const builtin = await loadBuiltinRuleSet();

const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Whether the match [start, end) of `text` holds an anchor of each set of one branch. */
function held(anchors: Anchors, text: string, start: number, end: number): boolean {
  const lower = lowerForKeywords(text);
  const occurs = (a: Anchor) => {
    for (
      let p = lower.indexOf(a.text, start);
      p >= 0 && p + a.text.length <= end;
      p = lower.indexOf(a.text, p + 1)
    ) {
      const q = p + a.text.length;
      if (a.wordStart && isWord(text[p - 1])) continue;
      if (a.wordEnd && isWord(text[q])) continue;
      return true;
    }
    return false;
  };
  return anchors.some((branch) => branch.every((set) => set.some(occurs)));
}

describe("anchors of the built-in rules", () => {
  it("are held by every real match of every rule's examples", () => {
    let checked = 0;
    let anchored = 0;
    for (const rule of builtin.rules) {
      const anchors = requiredLiterals(rule.regex.source);
      if (!anchors) continue;
      anchored++;
      for (const example of rule.examples.match)
        for (const m of example.matchAll(new RegExp(rule.regex.source, rule.regex.flags))) {
          if (m[0].length === 0) continue;
          expect(held(anchors, example, m.index, m.index + m[0].length), `${rule.id}: ${m[0]}`).toBe(true);
          checked++;
        }
    }
    // Not vacuous: most rules have anchors, and their examples match.
    expect(builtin.rules.filter((r) => r.anchors).length).toBe(anchored);
    expect(anchored).toBeGreaterThan(builtin.rules.length * 0.8);
    expect(checked).toBeGreaterThan(200);
  });
});

describe("anchors carried by a compiled rule", () => {
  it("are the pattern's own, and come back whole from their encoding (workers, the bundled Action)", () => {
    for (const rule of builtin.rules) {
      const anchors = requiredLiterals(rule.regex.source);
      expect(rule.anchors ? decodeAnchors(rule.anchors) : undefined, rule.id).toEqual(anchors);
      if (anchors) expect(decodeAnchors(encodeAnchors(anchors))).toEqual(anchors);
    }
  });
});

describe("a rule's regex with anchors", () => {
  const rules = buildRuleSet([
    {
      file: "rules/test.yml",
      text: [
        "category: test",
        "rules:",
        "  - id: test.send-key",
        "    title: Sends a key",
        "    level: MALICIOUS",
        "    appliesTo: [instructions]",
        "    keywords: [key]",
        "    pattern: '\\bupload\\b[^\\n]{0,60}\\bkey\\b[^\\n]{0,60}\\bwebhook\\b'",
        "    examples: {match: ['upload the key to the webhook'], noMatch: ['the key is yours']}",
        "    explanation: Says what the rule finds.",
        "    remediation: Says what to do.",
      ].join("\n"),
    },
  ]);
  const ctx: AnalysisContext = { ruleSet: rules, config: defaultConfig(), isAllowedHost: () => false };
  const rule = rules.rules[0]!;
  let execs = 0;
  const exec = rule.regex.exec.bind(rule.regex);
  rule.regex.exec = (s: string) => {
    execs++;
    return exec(s);
  };
  const scan = (body: string) => {
    const text = `${"Keep each section short for the reader.\n".repeat(150)}${body}\n${"More prose.\n".repeat(150)}`;
    const file: TextFile = {
      path: "s/SKILL.md",
      skillPath: "SKILL.md",
      kind: "instructions",
      text,
      lines: new LineIndex(text),
    };
    execs = 0;
    return runRules(rules.rules, file, lowerForKeywords(text), ctx).map((f) => f.ruleId);
  };

  it("does not run where its keyword is but a required word is not", () => {
    expect(scan("Pick a key from the list; uploads are logged.")).toEqual([]);
    expect(execs).toBe(0);
  });

  it("runs, and matches, where every required word is", () => {
    expect(scan("Then upload the key to the webhook.")).toEqual(["test.send-key"]);
    expect(execs).toBeGreaterThan(0);
  });

  it("does not run where the required words occur only inside other words", () => {
    // "uploader" holds "upload" and "webhooks" holds "webhook", but not as whole words.
    expect(scan("The uploader key goes to the webhooks page.")).toEqual([]);
    expect(execs).toBe(0);
  });
});

describe("anchors past the prefilter's alphabet", () => {
  it("are dropped, and the rule still runs on its keywords", () => {
    // 300 distinct CJK characters as two-character anchors: more than the automaton's 255 classes.
    const words = Array.from({ length: 150 }, (_, i) => String.fromCharCode(0x4e00 + 2 * i, 0x4e01 + 2 * i));
    const text = [
      "category: test",
      "rules:",
      "  - id: test.wide",
      "    title: Wide alphabet",
      "    level: RISKY",
      "    appliesTo: [instructions]",
      "    keywords: [marker]",
      `    pattern: 'marker (?:${words.join("|")})'`,
      `    examples: {match: ['marker ${words[149]}'], noMatch: ['marker x']}`,
      "    explanation: Says what the rule finds.",
      "    remediation: Says what to do.",
    ].join("\n");
    const rules = buildRuleSet([{ file: "rules/wide.yml", text }]);
    const ctx: AnalysisContext = { ruleSet: rules, config: defaultConfig(), isAllowedHost: () => false };
    const body = `${"Plain prose line.\n".repeat(300)}marker ${words[149]}\n`;
    const file: TextFile = {
      path: "s/SKILL.md",
      skillPath: "SKILL.md",
      kind: "instructions",
      text: body,
      lines: new LineIndex(body),
    };
    expect(runRules(rules.rules, file, lowerForKeywords(body), ctx).map((f) => f.ruleId)).toEqual([
      "test.wide",
    ]);
  });
});
