import { observe } from "../findings.js";
import { fencesOf, fencesOfContext } from "../markdown/context.js";
import { type CodePiece, extractCode, extractFences, MappedLines } from "../text/extract-code.js";
import { lowerForKeywords } from "../text/keywords.js";
import type { Capability, Finding, Observation } from "../types.js";
import type { AnalysisContext, TextFile } from "./analysis-context.js";
import { isPlaceholderHost } from "./hosts.js";
import { cannotRunAsWritten, runRules } from "./rules.js";

// Scripts inside files that are no scripts by name (see text/extract-code.ts) get what a script
// gets: the text rules of its language and the syntax-tree analysis, so `a=cu; b=rl; $a$b URL | sh`
// in a Makefile recipe, a postinstall hook or a README code block is read as the command it is.

/** Techniques that are the same harm whether a guide shows them or a script runs them. */
const KEEP_IN_CODE_BLOCK = new Set(["download-execute", "obfuscation"]);

export interface EmbeddedCodeReport {
  findings: Finding[];
  /** Capabilities of commands that run by themselves (build files, hooks); code blocks add none. */
  capabilities: Capability[];
}

/** The script pieces of a file: Markdown code blocks, or the commands of a build or config file. */
export function codePiecesOf(file: TextFile): CodePiece[] {
  if (file.kind === "instructions") {
    if (!file.contextAt) return [];
    if (!file.text.includes("```") && !file.text.includes("~~~")) return [];
    const from = file.bodyOffset ?? 0;
    const fences = fencesOfContext(file.contextAt) ?? fencesOf(from ? file.text.slice(from) : file.text);
    if (!fences.length) return [];
    return extractFences(fences, file.lines, from ? file.lines.position(from).line - 1 : 0);
  }
  if (file.kind !== "data") return [];
  return extractCode(file.skillPath, file.text);
}

/**
 * Analyses the script pieces of `file`. `seen` holds the findings already made on the whole file:
 * what the text rules found on a line is not reported again from the piece.
 */
export function analyzeEmbeddedCode(
  file: TextFile,
  ctx: AnalysisContext,
  seen: readonly Finding[],
): EmbeddedCodeReport {
  let pieces: CodePiece[];
  try {
    pieces = codePiecesOf(file);
  } catch {
    // Hostile input that breaks an extractor must not hide the whole file's other findings.
    return { findings: [], capabilities: [] };
  }
  const out: Finding[] = [];
  const caps = new Set<Capability>();
  if (!pieces.length) return { findings: out, capabilities: [] };
  const known = new Set(
    seen
      .filter((f) => f.file === file.path)
      .flatMap((f) => [`${f.ruleId}@${f.line}`, `${f.category}@${f.line}`]),
  );
  for (const piece of pieces) {
    const text = piece.extract.text();
    const pseudo: TextFile = {
      path: file.path,
      skillPath: file.skillPath,
      kind: piece.lang,
      text,
      lines: new MappedLines(file.lines, piece.extract),
    };
    const block = piece.source === "code-block";
    // In a code block only running fetched or hidden code keeps its level, and Python runs code only
    // through one of these names: blocks without any (most examples) are not worth a parse.
    if (block && piece.lang === "python" && !PY_RUNS_CODE.test(text)) continue;
    // A shell block pipes, expands, substitutes or hands a string to an interpreter to run fetched or
    // hidden code; plain commands with literal arguments (`npm install x`) cannot.
    if (block && piece.lang === "shell" && !SH_RUNS_CODE.test(text)) continue;
    const found: Finding[] = [];
    // A code block's text was read by the instruction rules already, with its Markdown context.
    if (!block) found.push(...runRules(ctx.ruleSet.rules, pseudo, lowerForKeywords(text), ctx));
    const a = ctx.scriptAnalyzer;
    if (a) {
      try {
        if (a.analyzeDetailed) {
          const r = a.analyzeDetailed(pseudo, ctx);
          found.push(...r.findings);
          if (!block) for (const c of r.capabilities) if (c === "network" || c === "shell") caps.add(c);
        } else found.push(...a.analyze(pseudo, ctx));
      } catch {
        // A parser failure must not hide what the text rules found.
      }
    }
    const hostsByLine = new Map<number, string[]>();
    for (const f of found)
      for (const r of f.related ?? []) {
        const host = NOTE_HOST.exec(r.note)?.[1];
        if (host) hostsByLine.set(f.line, [...(hostsByLine.get(f.line) ?? []), host]);
      }
    for (const f of found) {
      if (known.has(`${f.ruleId}@${f.line}`)) continue;
      if (!block) {
        known.add(`${f.ruleId}@${f.line}`);
        out.push({ ...f, excerpt: `${SOURCE_WORDS[piece.source]}: ${f.excerpt}` });
        continue;
      }
      // A command over several lines: the text rule reports where it starts, the syntax tree where
      // it runs; the finding's related lines (its source) say it is the same command.
      const lines = [
        f.line,
        ...(f.related ?? []).filter((r) => r.file === file.path).map((r) => r.line),
        ...sameCommandInHeredoc(file, f, known),
      ];
      // …unless the syntax tree saw a server the text does not spell out (`h=cdn-upd; t=ate.click;
      // curl https://$h$t/x | sh`): the text rule judged a placeholder, the engine the real address.
      const hidden = (hostsByLine.get(f.line) ?? []).some(
        (h) => !isPlaceholderHost(h) && !lines.some((l) => file.lines.lineText(l).includes(h)),
      );
      if (!hidden && lines.some((l) => known.has(`${f.category}@${l}`))) continue;
      known.add(`${f.ruleId}@${f.line}`);
      const weighed = readBlockFinding({ ...f, context: "code-block" }, file, hostsByLine.get(f.line) ?? []);
      if (weighed) out.push(weighed);
    }
  }
  return { findings: out, capabilities: [...caps] };
}

/**
 * The lines of a here-document opened on `line` (`bash << 'EOF'` … `EOF`): the syntax tree reports
 * what the document runs where it is fed to the shell, the text rules where the command is written.
 * At most 400 lines; an unterminated document ends at the block's end (the fence) or there.
 */
function heredocBody(file: TextFile, line: number): number[] {
  const open = /<<-?[ \t]*(["']?)([A-Za-z_][\w-]{0,40})\1/.exec(file.lines.lineText(line));
  if (!open?.[2]) return [];
  const out: number[] = [];
  for (let n = line + 1; n <= line + 400 && n <= file.lines.lineCount; n++) {
    const t = file.lines.lineText(n);
    if (t.trim() === open[2] || /^\s{0,3}(?:`{3,}|~{3,})/.test(t)) break;
    out.push(n);
  }
  return out;
}

/** A here-document line that fetches, substitutes, decodes or hands text to an interpreter. */
const RUNS_SOMETHING =
  /\$\(|`|\beval\b|\|\s*(?:ba|z|da|k)?sh\b|\bcurl\b|\bwget\b|\bbase64\b|\bxxd\b|\b(?:ba|z)?sh\s+-c\b|\bsource\b|\bpython3?\s+-c\b|\biex\b/i;

const SPELLED =
  /\$[A-Za-z_{]|^\s*(?:export\s+|local\s+|declare\s+)?[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=|\\[^\n]|\brev\b|\btr\b|\bprintf\b/;

/**
 * The here-document lines an engine finding reported on its opener stands for, when the text rules
 * judged every one of them already: each body line that runs or fetches anything carries a text
 * finding of the same category. One such line without one (a split or decoded command only the
 * syntax tree sees) keeps the engine's finding as it is.
 */
function sameCommandInHeredoc(file: TextFile, f: Finding, known: ReadonlySet<string>): number[] {
  const body = heredocBody(file, f.line);
  // Variables, assignments and escapes are how a command is spelled so that no text rule reads it:
  // with any of them in the document, the syntax tree's reading is the one kept.
  if (body.some((n) => SPELLED.test(file.lines.lineText(n)))) return [];
  const active = body.filter((n) => RUNS_SOMETHING.test(file.lines.lineText(n)));
  if (active.length === 0 || !active.every((n) => known.has(`${f.category}@${n}`))) return [];
  return active;
}

const SOURCE_WORDS: Record<CodePiece["source"], string> = {
  "code-block": "code block",
  makefile: "Makefile recipe",
  "package-json": "package.json script",
  dockerfile: "Dockerfile RUN",
  notebook: "notebook cell",
  "pre-commit": "pre-commit hook entry",
  workflow: "workflow run step",
  justfile: "justfile recipe",
  taskfile: "Taskfile command",
  "vscode-tasks": "VS Code task",
  devcontainer: "dev container command",
};

/**
 * A finding in a Markdown code block, read as the instruction rules read quoted text: a command that
 * cannot run as written (example host, placeholder) is an illustration; a technique other than
 * download-and-run or hidden code, shown in a block, is what guides quote. What it is observed to be
 * is weighed by the match-context stage; one already LOW_QUALITY has nothing to lose and is dropped.
 */
function readBlockFinding(f: Finding, file: TextFile, noteHosts: readonly string[]): Finding | undefined {
  // Hosts the engine found behind the spelling (split names, reversed or encoded text) count too.
  const line = [file.lines.lineText(f.line), ...noteHosts.map((h) => `https://${h}/`)].join(" ");
  let seen: Observation | undefined;
  if (cannotRunAsWritten(line, "")) seen = { seen: "illustration", where: "code-block" };
  else if (!KEEP_IN_CODE_BLOCK.has(f.category)) seen = { seen: "quoted", where: "code-block" };
  else if (f.ruleId === "script.exec-remote" && !f.related?.some((r) => STREAMED.test(r.note)))
    // Guides install a tool by saving it and then show it being run; piping a named server's
    // answer straight into a shell is the technique itself, however it is spelled.
    seen = { seen: "saved-download" };
  if (!seen) return f;
  return f.level === "LOW_QUALITY" ? undefined : observe(f, seen);
}

const PY_RUNS_CODE =
  /\b(?:exec|eval|compile|system|popen|Popen|spawn\w*|subprocess|run|call|check_output|__import__|getattr|builtins|pickle|marshal|loads|import_module)\b/;

const SH_RUNS_CODE = /[|$`]|<\(|\s-[A-Za-z]*[ce]\b|\b(?:eval|exec|iex)\b|-command|-enc/i;

/** The server named in an engine's note on a source ("source: code or data downloaded from HOST"). */
const NOTE_HOST = /downloaded from ([^\s,;()]+)/;

/** The engine's note on a source piped from a named server (not a saved file, not an unknown one). */
const STREAMED = /^source: code or data downloaded from \S/;
