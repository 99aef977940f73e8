import type { TextFile } from "../analyze/analysis-context.js";
import { isCodeKind } from "../text/file-kind.js";
import type { Finding } from "../types.js";
import { adjust } from "./adjust.js";
import { exampleLead, phraseList, REMOVAL, testedOrTold } from "./intent-examples.js";
import type { Stage, Weighed, WeighInput } from "./stage.js";

// Intent of the passage (issue 12): does the text direct the agent or user to do the thing, or does
// it describe it? Security guides, detection rules, IOC tables and "❌ never do this" examples name
// exactly what malware does; a skill that orders the agent to do it is a different thing. A
// describing match is lowered to LOW_QUALITY (a skill that only documents attacks does what it says:
// it is not RISKY) and proves no capability; a directing one is never touched. When in doubt the passage directs: SKILL.md's body, files it says to follow or run,
// sub-agent prompts and script code are directing by default, and only a positive sign of describing
// (per line, per block, per file) lowers a finding.

/** Categories of text findings this stage weighs; script flows, URLs and metadata are left alone. */
const WEIGHED = new Set([
  "agent-tampering",
  "credential-access",
  "destruction",
  "download-execute",
  "exfiltration",
  "obfuscation",
  "persistence",
  "remote-access",
  "hidden-instructions",
  "prompt-injection",
]);

/**
 * Hidden instructions and prompt injection are addressed to the agent: a comment or a "never tell the
 * user" sentence is where they live, not a sign that they describe. Only whole describing blocks
 * (detection content, a catalogue, a table of samples in a reference file, a list of strings in a
 * scanner) lower them.
 */
const ADDRESSED_TO_AGENT = new Set(["hidden-instructions", "prompt-injection"]);

/** Categories whose findings in a fenced block of SKILL.md are commands the agent would run. */
const RUNNABLE = new Set(["download-execute", "obfuscation"]);

/** At least this many attack families in one file make it a catalogue of techniques. */
export const CATALOGUE_FAMILIES = 3;

const DESCRIBING_HEADING =
  /\b(detect(?:ion|ions|ing|s)?|hunt(?:ing|s)?|iocs?|indicators?|sigma|yara|osquery|telemetry|signatures?|(?:attack|rce|injection|exploit) (?:patterns?|techniques?|vectors?|examples?|surface)|payloads?|threats?|threat model|mitre|att&ck|vulnerable|vulnerabilit(?:y|ies)|anti-?patterns?|bad (?:examples?|practices?|patterns?)|red flags|warning signs|what to look for|malicious (?:examples?|patterns?|indicators?)|insecure|common (?:mistakes|pitfalls)|pitfalls|don'?t|do not|never|avoid|not to (?:do|use|set|enable)|not recommended|checks|what (?:it|this skill|the audit) (?:checks|flags|looks for|reports)|report (?:example|format)|example (?:report|output)|sample output|remediation(?: guidance)?|unsafe (?:settings?|options?|configurations?)|known (?:malware|attacks?)|case stud(?:y|ies)|forensics?|artifacts?|false positives?)\b/i;

/** A section that tells the user or agent to act: what it holds is run, whatever else the file is. */
const DIRECTING_HEADING =
  /\b(set ?up|install(?:ation|ing)?|prerequisites?|requirements?|quick ?start|getting started|before you (?:begin|start)|bootstrap|first[- ]time|initiali[sz](?:e|ation))\b/i;

/** A sentence that sends the reader to another file or section to act on it. */
const RUN_VERB =
  /\b(run|execute|follow|paste|apply|perform|install|set ?up|setup|prerequisites?|complete (?:the |all |each |every |these )?(?:steps?|setup|instructions|commands))\b/i;

/** Files that are instructions whatever SKILL.md says about them: setup guides and sub-agent prompts. */
const PROMPT_NAME = /(^|\/)(agents?\/|(agents?|claude|instructions?)\.md$|[^/]*\.prompt\.md$)/i;
const SETUP_NAME =
  /(^|\/)[^/]*\b(setup|install(ation)?|prereq(uisite)?s?|quick-?start|getting-started|bootstrap|onboarding)\b[^/]*$/i;

/** A reference file named for what it catalogues: attack patterns, IOCs, detection rules. */
const DESCRIBING_NAME =
  /(^|\/)[^/]*\b(attacks?|threats?|payloads?|techniques?|iocs?|indicators?|detections?|sigma|yara|mitre|att&?ck|cheat-?sheets?|vulnerabilit(y|ies)|exploits?|red-?flags|anti-?patterns?|hunting|forensics?|malware)\b[^/]*$/i;

/** A cell or list that only names things: "Mimikatz", "Tools: Impacket, Mimikatz, BloodHound". */
const COMMAND_SYNTAX = /[|><$;&`/\\=]|::|\s-{1,2}\w|\(.*\)/;

/** A sentence that warns against what follows on its line ("never run …", "❌", "Bad:"). */
const NEGATION =
  /(\b(?:never|do not|don'?t|must not|mustn'?t|should not|shouldn'?t|avoid(?:ing)?|forbid(?:den)?|prohibit(?:ed)?)\b(?!\s+(?:forget|skip|omit|miss|hesitate|ask|wait|prompt|tell|mention|show|reveal|inform|confirm|stop|interrupt|log|print|explain))|❌|🚫|⛔|\b(?:bad|wrong|vulnerable|insecure|unsafe|dangerous|anti-?pattern|malicious|attacker)\b\s*(?:[:)(]|example|code|pattern|version))/i;

/** The opposite marker: from here on the example is what to do. */
const GOOD_MARKER = /✅|✔|\b(?:good|correct|secure|safe|fixed|recommended|do this|better)\b\s*[:)(]/i;

/** A comment that tells the reader to act is an instruction, not a note. */
const COMMENT_ORDER = /\b(run|execute|paste|type|copy|install|then)\b/i;

/** Query and rule languages: what they name is matched in logs, never run. */
const DETECTION_LANG =
  /^(sigma|yara|yar|sql|osquery|kql|kusto|spl|splunk|eql|esql|lucene|suricata|snort|ioc)$/i;
/** Database features that do run a command, which a query would otherwise hide. */
const QUERY_EXEC = /\bPROGRAM\b|xp_cmdshell|sys_exec|sys_eval|load_extension|\bshell\s*\(/i;

/** A call that runs text as code or a command: with one in a script, no string in it is mere data. */
const EXEC_SINK =
  /\b(?:exec|eval|system|popen|spawn(?:Sync)?|execSync|execFile(?:Sync)?|run|call|check_output|check_call|Popen|Function|compile|Invoke-Expression|iex|Start-Process)\s*\(|\bchild_process\b|\bsubprocess\b|\bos\.system\b/;

interface Fence {
  start: number;
  end: number;
  lang: string;
}

/** Per line of a Markdown file (index 0 = line 1). */
interface MarkdownLines {
  fence: (Fence | undefined)[];
  /** The heading chain above each line, innermost last. */
  headings: string[][];
}

function markdownLines(text: string): MarkdownLines {
  const lines = text.split("\n");
  const fence: (Fence | undefined)[] = new Array(lines.length);
  const headings: string[][] = new Array(lines.length);
  let open: { fence: Fence; marker: string } | undefined;
  let chain: { level: number; title: string }[] = [];
  let titles: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const f = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(line);
    if (open) {
      fence[i] = open.fence;
      if (f?.[1] && f[1][0] === open.marker[0] && f[1].length >= open.marker.length && !f[2]) {
        open.fence.end = i;
        open = undefined;
      }
    } else if (f?.[1]) {
      open = { fence: { start: i, end: lines.length - 1, lang: f[2] ?? "" }, marker: f[1] };
      fence[i] = open.fence;
    } else {
      const h = /^\s{0,3}(#{1,6})\s+(.*)$/.exec(line);
      if (h?.[1]) {
        const level = h[1].length;
        chain = [...chain.filter((c) => c.level < level), { level, title: (h[2] ?? "").trim() }];
        titles = chain.map((c) => c.title);
      }
    }
    headings[i] = titles;
  }
  return { fence, headings };
}

/** Where a script line's comment starts (-1 for none), skipping comment markers inside strings. */
export function commentStart(line: string, kind: string): number {
  const hash = kind === "python" || kind === "shell" || kind === "powershell" || kind === "data";
  const slash = kind === "javascript";
  const t = line.trimStart();
  // The language is unknown (`#` is Lua's length operator): only a whole-line comment counts.
  if (kind === "generic-script") return /^(?:#|\/\/)/.test(t) ? line.length - t.length : -1;
  if (slash && /^(\/\/|\/\*|\*)/.test(t)) return line.length - t.length;
  if (kind === "powershell" && /^<#/.test(t)) return line.length - t.length;
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || (slash && c === "`")) quote = c;
    else if (hash && c === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return i;
    else if (slash && c === "/" && line[i + 1] === "/" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return i;
  }
  return -1;
}

/** Python docstrings and JavaScript block comments: line ranges (1-based, inclusive) that are prose. */
function scriptProse(text: string, kind: string): [number, number][] {
  const out: [number, number][] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] ?? "").trimStart();
    let close: RegExp | undefined;
    let rest = "";
    // A statement that is only a string (a docstring), never one assigned or passed to a call.
    const doc = kind === "python" ? /^[rRuUbB]?("""|''')/.exec(t) : undefined;
    if (doc?.[1]) {
      close = doc[1] === '"""' ? /"""/ : /'''/;
      rest = t.slice(doc[0].length);
    } else if (kind === "javascript" && t.startsWith("/*")) {
      close = /\*\//;
      rest = t.slice(2);
    }
    if (!close) continue;
    if (close.test(rest)) {
      out.push([i + 1, i + 1]);
      continue;
    }
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j] ?? "")) j++;
    out.push([i + 1, Math.min(j, lines.length - 1) + 1]);
    i = j;
  }
  return out;
}

/** The script opens or greps its own file ($0, __file__, import.meta.url, $PSCommandPath). */
const SELF_READ =
  /(?:cat|grep|sed|awk|tail|head|source|\.|open|read\w*|Get-Content)\b[^\n]{0,80}?(?:\$0\b|\$\{0\}|\$BASH_SOURCE|__file__|import\.meta\.(?:url|filename)|__filename|\$PSCommandPath|\$MyInvocation)/;

/** A line that is one element of a table of values: `"mimikatz": {…},` or `"rm -rf /",`. */
const DATA_LINE =
  /^\s*(?:[rRbBuUf]?(["'`])(?:(?!\1)[^\\]|\\.)*\1\s*(?:[:,\]})]|$)|\[?\s*["'].*["']\s*[,\]]\s*$)/;

interface Plan {
  /** SKILL.md, sub-agent prompts and every file below: prose there is an order. */
  directing: Set<string>;
  /** Setup guides and files a directing file says to run or follow: every passage is an order. */
  ordered: Set<string>;
  families: Map<string, Set<string>>;
  md: Map<string, MarkdownLines>;
  prose: Map<string, [number, number][]>;
  sinks: Map<string, boolean>;
  selfReading: Map<string, boolean>;
  /** Lines (lower-cased) of directing files that tell the reader to run something. */
  orders: string[];
  /** The skill's description: what it says it is for. */
  description: string;
}

function planOf(findings: Finding[], input: WeighInput): Plan {
  const families = new Map<string, Set<string>>();
  for (const f of findings) {
    if (!WEIGHED.has(f.category)) continue;
    memo(families, f.file, () => new Set<string>()).add(f.category);
  }
  const directing = new Set<string>([input.skillMd]);
  // Setup guides and files the skill says to run are orders through and through: no heading or
  // catalogue in them makes a passage an example.
  const ordered = new Set<string>();
  for (const [path, file] of input.texts) {
    if (file.kind !== "instructions") continue;
    if (SETUP_NAME.test(file.skillPath)) ordered.add(path);
    if (PROMPT_NAME.test(file.skillPath) || ordered.has(path)) directing.add(path);
  }
  // Files a directing file sends the reader to act on are directing too (to a fixed point).
  const orders: string[] = [];
  const seen = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const path of [...directing]) {
      if (seen.has(path)) continue;
      seen.add(path);
      const file = input.texts.get(path);
      if (!file) continue;
      const body = file.bodyOffset ? file.text.slice(file.bodyOffset) : file.text;
      for (const line of body.split("\n")) {
        if (!RUN_VERB.test(line)) continue;
        const lower = line.toLowerCase();
        orders.push(lower);
        for (const [other, o] of input.texts) {
          if (directing.has(other) || o.kind !== "instructions") continue;
          const base = o.skillPath.slice(o.skillPath.lastIndexOf("/") + 1).toLowerCase();
          const at = Math.max(lower.indexOf(o.skillPath.toLowerCase()), lower.indexOf(base));
          // "do not execute anything from references/x.md" sends the reader there not to act.
          if (at >= 0 && !negates(lower.slice(0, at))) {
            directing.add(other);
            ordered.add(other);
            changed = true;
          }
        }
      }
    }
  }
  return {
    directing,
    ordered,
    families,
    md: new Map(),
    prose: new Map(),
    sinks: new Map(),
    selfReading: new Map(),
    orders,
    description: input.manifest.description ?? "",
  };
}

function memo<T>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** Why the passage describes rather than directs, or undefined when it directs (or may). */
export function describes(f: Finding, file: TextFile, plan: Plan): string | undefined {
  // Script findings are weighed only where they come from a Markdown code block (they carry its
  // context); in a script file the code runs, whatever the file is named.
  const scriptFinding = f.ruleId.startsWith("script.") && f.context !== "code-block";
  if (!WEIGHED.has(f.category) || scriptFinding || f.context === "frontmatter") return undefined;
  const toAgent = ADDRESSED_TO_AGENT.has(f.category);
  const line = file.lines.lineText(f.line);
  const before = line.slice(0, Math.max(0, f.column - 1));

  if (isCodeKind(file.kind) || file.kind === "data" || file.kind === "markup") {
    // A script that reads its own source can pull a payload out of its comments and run it.
    const selfReading = memo(plan.selfReading, file.path, () => SELF_READ.test(file.text));
    if (!toAgent && file.kind !== "markup" && !selfReading) {
      const c = commentStart(line, file.kind);
      if (c >= 0 && c < f.column) return "describes it in a code comment, which never runs";
      const prose = memo(plan.prose, file.path, () => scriptProse(file.text, file.kind));
      if (prose.some(([a, b]) => f.line >= a && f.line <= b))
        return "describes it in a docstring or block comment";
    }
    if (isCodeKind(file.kind) && !EXEC_SINK.test(line)) {
      const named = testedOrTold(line, f.column - 1);
      if (named) return named;
    }
    if (file.kind === "python" || file.kind === "javascript") {
      const sink = memo(plan.sinks, file.path, () => EXEC_SINK.test(file.text));
      if (!sink && DATA_LINE.test(line))
        return "names it as data (a string in a table of values the script never runs)";
    }
    if (file.kind === "data" && (plan.families.get(f.file)?.size ?? 0) >= CATALOGUE_FAMILIES)
      return `a catalogue of techniques (${plan.families.get(f.file)?.size} attack families in one data file)`;
    return undefined;
  }
  if (file.kind !== "instructions") return undefined;

  const md = memo(plan.md, file.path, () => markdownLines(file.text));
  const i = f.line - 1;
  const fence = md.fence[i];
  const chain = md.headings[i] ?? [];
  const directingFile = plan.directing.has(f.file);
  const inner = [...chain].reverse().find((h) => DESCRIBING_HEADING.test(h) || DIRECTING_HEADING.test(h));
  const directingSection = inner !== undefined && DIRECTING_HEADING.test(inner);
  // "Run each command in the Detection examples table": a section the skill says to run is a step.
  const orderedSection = chain.some((h) => orderedToRun(h, plan.orders));
  const describingSection = inner !== undefined && !directingSection && !orderedSection ? inner : undefined;

  // Detection content: rules and queries match what they name in logs; nothing in them runs.
  if (fence && i > fence.start) {
    const block = file.text
      .split("\n")
      .slice(fence.start + 1, fence.end)
      .join("\n");
    const lang = fence.lang.toLowerCase();
    const sigma = /^(ya?ml)?$/.test(lang) && /^\s*logsource:/m.test(block) && /^\s*detection:/m.test(block);
    const yara = /\brule\s+\w+[^{]*\{[\s\S]*\bcondition\s*:/.test(block) && /\bstrings\s*:/.test(block);
    const query = DETECTION_LANG.test(lang) || (!lang && /^\s*SELECT\b[\s\S]*\bFROM\b/i.test(block));
    if ((sigma || yara || query) && !QUERY_EXEC.test(block))
      return "detection content (a rule or query that matches it in logs), not a command";
  }

  if (!toAgent) {
    if (negates(before)) return 'warns against it (a negated or "bad example" line)';
    if (REMOVAL.test(before)) return "says to remove or replace it";
    if (fence === undefined && exampleLead(file, f))
      return 'an example of what it looks like ("something like …"), not a step to run';
    if (fence && i > fence.start) {
      const trimmed = line.trimStart();
      if (/^(#(?!!)|\/\/|--\s|;)/.test(trimmed) && !COMMENT_ORDER.test(trimmed))
        return "describes it in a comment line of a code example";
      if (markedBad(file, fence, f.line)) return 'a "bad" or "vulnerable" example, marked as what not to do';
    }
  }

  if (toAgent && fence === undefined && phraseList(file, f.line, plan.description))
    return "one of the phrases a detector looks for, listed with others of its family";

  // In SKILL.md a phrase addressed to the agent is an order even as a table cell ("| 1 | Ignore … |").
  if (fence === undefined && !(toAgent && directingFile) && namesOnly(line, f.column))
    return "names it (a tool or technique in a list or table), not a command";

  if (directingSection || orderedSection || plan.ordered.has(f.file)) return undefined;
  const families = plan.families.get(f.file)?.size ?? 0;
  const catalogue = families >= CATALOGUE_FAMILIES + (directingFile ? 1 : 0);
  const quotedForm = fence !== undefined || f.context === "inline-code" || /^\s*\|/.test(line);
  if (directingFile) {
    // SKILL.md prose is an order; only examples (code, tables) in a describing section or a catalogue
    // of many attack families describe.
    if (!quotedForm) return undefined;
    // A heading is the author's word: under any heading of SKILL.md, a fenced block that downloads
    // and runs code, or hides a command, is what the agent runs (illustrations with example hosts were
    // lowered at detection). An inline span or table row there names the technique.
    const runnableBlock = fence !== undefined && RUNNABLE.has(f.category);
    if (describingSection && !runnableBlock)
      return `an example under "${describingSection}", not a step to run`;
    if (/^\s*\|/.test(line) && describingTable(file, f.line))
      return "a row of a table of dangerous examples (its header says so), not a step to run";
    if (catalogue && !toAgent) return `a catalogue of techniques (${families} attack families in one file)`;
    return undefined;
  }
  if (catalogue) return `a catalogue of techniques (${families} attack families in one reference file)`;
  if (DESCRIBING_NAME.test(file.skillPath))
    return `reference material (${file.skillPath}), not a step to run`;
  if (describingSection) return `reference material under "${describingSection}", not a step to run`;
  if (/^\s*\|/.test(line)) return "a row of a reference table, not a step to run";
  return undefined;
}

/**
 * The words before the match warn against it: a negation with no turn between it and the match
 * ("never run X" — but not "don't worry, just run X" or "do not skip this; run X").
 */
function negates(before: string): boolean {
  const at = before.search(NEGATION);
  if (at < 0) return false;
  const after = before.slice(at).replace(NEGATION, "");
  return !GOOD_MARKER.test(after) && !/[.;!?,]\s|\b(just|instead|but|then|rather|so|and)\b/i.test(after);
}

/**
 * The match sits in a table cell or a comma-separated list whose items are bare names: nothing there
 * can run. A cell or item with command syntax (a pipe, a path, an option, `::`) does not count.
 */
function namesOnly(line: string, column: number): boolean {
  const at = column - 1;
  if (/^\s*\|.*\|\s*$/.test(line)) {
    const start = line.lastIndexOf("|", at - 1) + 1;
    let end = line.indexOf("|", at);
    if (end < 0) end = line.length;
    const cell = line
      .slice(start, end)
      .replace(/\*\*|__/g, "")
      .trim();
    return (
      cell.length > 0 && cell.length <= 40 && cell.split(/\s+/).length <= 4 && !COMMAND_SYNTAX.test(cell)
    );
  }
  const list = /^\s*(?:[-*+]|\d+\.)?\s*(?:\*\*)?[\w ]{1,30}(?:\*\*)?:\s*(.+)$/.exec(line);
  if (!list?.[1]) return false;
  const items = list[1].split(/,\s*|\s+and\s+|\s+or\s+/);
  return items.length >= 3 && items.every((x) => x.trim().length <= 30 && !COMMAND_SYNTAX.test(x));
}

/** The nearest ❌/"bad"/"vulnerable" or ✅/"good" marker above the line in its block (or just before it). */
function markedBad(file: TextFile, fence: Fence, line: number): boolean {
  for (let l = line - 1; l >= Math.max(1, fence.start - 2); l--) {
    const t = file.lines.lineText(l);
    if (GOOD_MARKER.test(t)) return false;
    if (NEGATION.test(t)) return true;
  }
  return false;
}

/** The header of the Markdown table holding `line` names what it lists as dangerous or as samples. */
function describingTable(file: TextFile, line: number): boolean {
  let l = line;
  while (l > 1 && /^\s*\|/.test(file.lines.lineText(l - 1))) l--;
  return /\b(dangerous|vulnerable|insecure|unsafe|payloads?|attacks?|exploits?|malicious|techniques?|indicators?|iocs?|signatures?|detections?|bad|why not|not recommended|risks?)\b/i.test(
    file.lines.lineText(l),
  );
}

/** A directing file that says to run what a section holds ("run the commands under Detection"). */
function orderedToRun(heading: string, orders: string[]): boolean {
  const title = heading
    .replace(/[#*_`[\]]/g, "")
    .trim()
    .toLowerCase();
  return title.length >= 3 && orders.some((o) => o.includes(title) && /\b(run|execute|paste|copy)\b/.test(o));
}

/**
 * Describing passages are lowered to LOW_QUALITY (the adjustment says why; the summary says "documents
 * attack techniques") and prove no capability; directing ones are untouched. Only the judgement of the
 * passage lowers: a describing finding never decides whether anything else in the skill runs.
 */
export const intent: Stage = {
  name: "intent",
  run: (w: Weighed, i: WeighInput): Weighed => {
    const plan = planOf(w.findings, i);
    let changed = false;
    const described = new Set<string>();
    const findings = w.findings.map((f) => {
      const file = i.texts.get(f.file);
      const why = file && describes(f, file, plan);
      if (!why) return f;
      changed = true;
      described.add(`${f.file}:${f.line}`);
      const { capabilities: _proved, ...rest } = f;
      return { ...adjust(rest, "LOW_QUALITY", `describes: ${why}`), intent: "describes" as const };
    });
    if (!changed) return w;
    // A host named only in the described command is contacted by nobody: its unlisted-host note
    // follows the command. Known-bad hosts and hosts in a directing passage keep their finding.
    const out = findings.map((f) =>
      f.ruleId === "url.unlisted-host" && described.has(`${f.file}:${f.line}`)
        ? {
            ...adjust(f, "LOW_QUALITY", "describes: named only in a command the skill describes, not runs"),
            intent: "describes" as const,
          }
        : f,
    );
    return { ...w, findings: out };
  },
};
