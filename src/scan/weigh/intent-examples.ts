import type { TextFile } from "../analyze/analysis-context.js";
import type { Finding } from "../types.js";

// How a passage shows that what it holds is an example, a check or a list of what is looked for
// rather than a step: the intent stage (intent.ts) asks these.

/** A skill that classifies or filters prompts: its description says so. */
const DETECTOR_PURPOSE =
  /\b(?:detect(?:s|or|ion|ing)?|classif(?:y|ies|ier|ication)|guardrails?|filter(?:s|ing)?|moderat(?:e|ion|ing)|flag(?:s|ged|ging)?|scan(?:s|ner|ning)?|screen(?:s|ing)?)\b/i;
/** The line leading into a list says the list is what something looks for. */
const LOOKS_FOR =
  /\b(?:looks? for|detects?|flags?|matches|catches|blocks?|signals?|patterns?|phrases?|families|indicators?|examples? of|such as)\b/i;

/**
 * "- Override: ignore previous instructions, disregard your guidelines, forget everything above":
 * in a skill whose description says it detects or filters prompts, a list item of two or more
 * comma-separated phrases under a line saying what the list is looked for. An order to the agent
 * is a sentence, not a family of alternatives under "the heuristic looks for these".
 */
export function phraseList(file: TextFile, line: number, description: string): boolean {
  if (!DETECTOR_PURPOSE.test(description)) return false;
  const item = /^\s*[-*+]\s+(?:\*\*)?[\w ()/-]{1,40}(?:\*\*)?:\s*(.+)$/.exec(file.lines.lineText(line));
  if (!item?.[1] || item[1].split(/,\s*/).filter((p) => p.trim().length > 0 && p.length <= 80).length < 2)
    return false;
  for (let n = line - 1; n >= Math.max(1, line - 30); n--) {
    const t = file.lines.lineText(n);
    if (!t.trim() || /^\s*[-*+]\s/.test(t)) continue;
    return LOOKS_FOR.test(t);
  }
  return false;
}

/** Words of a sentence that reports on something rather than a command or a value. */
const DESCRIPTIVE =
  /\b(?:contains?|found|has|uses?|is (?:set|enabled|on|present)|detected|allows?|grants?|enabled|risky|dangerous|insecure|warning|flagged)\b/i;

/** "Replace `Bash(*)` with …", "remove `curl … | sh` from the hook": the text says to take it out. */
export const REMOVAL = /\b(?:replace|remove|revoke|delete|drop|strip)\s+(?:the\s+)?[`"'“]*$/i;

/** "… is something like `mshta https://…`", "such as `iwr … | iex`": what follows is an example. */
const EXAMPLE_LEAD =
  /\b(?:something like|such as|looks? like|for example|for instance|e\.g\.|an example (?:is|would be)|a typical (?:one|example|payload|lure|command)(?: is)?)\b/i;
const RUN_ORDER = /\b(?:run|execute|paste|type|enter|install|copy|open|launch)\b/i;

/**
 * The sentence holding the match (its paragraph's lines above, up to two) leads into it as an
 * example, and does not itself tell the reader to run, paste or install anything.
 */
export function exampleLead(file: TextFile, f: Finding): boolean {
  let text = file.lines.lineText(f.line).slice(0, Math.max(0, f.column - 1));
  for (let n = f.line - 1; n >= Math.max(1, f.line - 2); n--) {
    const t = file.lines.lineText(n);
    if (!t.trim() || /^\s*(?:#|[-*+]\s|\d+\.\s|>|\||`{3}|~{3})/.test(t)) break;
    text = `${t} ${text}`;
  }
  // A sentence ends at . ! ? before a blank: the dots of a host or file name (check.hta) do not end it.
  const end = [...text.matchAll(/[.!?](?=\s)/g)].pop();
  const sentence = end ? text.slice(end.index + 1) : text;
  const lead = EXAMPLE_LEAD.exec(sentence);
  return lead !== null && !RUN_ORDER.test(sentence);
}

/**
 * The match sits inside a string literal that a script compares or searches for (`if "Bash(*)" in
 * allow`, `line.includes("curl | sh")`, `grep -q 'bypassPermissions'`), or inside a sentence it
 * prints ('permissions.allow contains "Bash(*)"'): an auditor looking for it, not a use of it.
 */
export function testedOrTold(line: string, at: number): string | undefined {
  if (at < 0 || at >= line.length) return undefined;
  // The literal must hold the match's first character; where the match ends is not recorded.
  const end = at + 1;
  for (const q of ["'", '"', "`"]) {
    const open = line.lastIndexOf(q, at - 1);
    if (open < 0) continue;
    const close = line.indexOf(q, end);
    if (close < 0 || line.slice(open + 1, at).includes(q)) continue;
    const before = line.slice(0, open);
    const after = line.slice(close + 1);
    if (/^\s*(?:not\s+)?in\b|^\s*[!=]==?/.test(after) || /(?:[!=]==?|\bin|\bnot in)\s*$/.test(before))
      return "tests text for it (a check that looks for it), not a use";
    if (
      /\.(?:includes|startswith|endswith|test|search|match|indexOf|find|count)\(\s*[rbf]?$/.test(before) ||
      /\bgrep\s+(?:-\w+\s+)*$/.test(before)
    )
      return "searches text for it (a check that looks for it), not a use";
    // A sentence about it ('permissions.allow contains "Bash(*)"') passed to a call or printed, whose
    // line writes nowhere: `echo "… curl | sh" | crontab -` and `>> authorized_keys` are writes.
    const literal = line.slice(open + 1, close);
    const sentence = (literal.match(/[A-Za-z]{2,}/g)?.length ?? 0) >= 3 && DESCRIPTIVE.test(literal);
    const writes =
      /[|>]/.test(after.replace(/\d?>&\d/g, "")) || /\b(?:tee|crontab|eval|exec|write\w*)\b/.test(after);
    if (sentence && !writes && /(?:\(|,)\s*[rbf]?$|\b(?:echo|printf)\s+$/.test(before))
      return "names it in a message the script shows, not a use";
  }
  return undefined;
}
