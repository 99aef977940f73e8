import { parse as parseYaml } from "yaml";
import { SCAN_LIMITS } from "../limits.js";

export interface FrontmatterProblem {
  code:
    | "frontmatter-code"
    | "frontmatter-yaml"
    | "frontmatter-alias-bomb"
    | "frontmatter-too-large"
    | "frontmatter-missing"
    | "frontmatter-not-mapping";
  message: string;
  line: number;
}

export interface ParsedSkillMd {
  data: Record<string, unknown> | null;
  /** The frontmatter text between the delimiters ("" when there is none). */
  matter: string;
  /** Offset of the body in the original text, so findings keep the file's own line numbers. */
  bodyOffset: number;
  problems: FrontmatterProblem[];
}

// A YAML document may repeat anchors only so often; past that it is a billion-laughs attempt.
const MAX_ALIASES = 100;

function safeYaml(text: string): object {
  const doc = parseYaml(text, { maxAliasCount: MAX_ALIASES, uniqueKeys: false, schema: "core" });
  return doc === null || doc === undefined ? {} : (doc as object);
}

// The block is found by a linear scan of lines, never by a library's search, and is given to the
// YAML parser only when it is small and holds few anchors/aliases (SCAN_LIMITS): a 1 MB unclosed
// block or 40,000 aliases took gray-matter + yaml 14 s and 65 s. Only YAML (and inert JSON) is ever
// parsed; a block declared as code (`---js`, which gray-matter would eval) is refused.

/** Where the frontmatter ends: the first line after the opening one that is `---` alone. */
function findClose(source: string, from: number): { end: number; body: number } | undefined {
  let at = from;
  // Linear: every line is looked at once, so an unclosed block of any size costs one pass.
  while (at <= source.length) {
    const nl = source.indexOf("\n", at);
    const lineEnd = nl === -1 ? source.length : nl;
    // A closing line is `---` and at most a little trailing space (and the CR of a CRLF).
    const closes =
      lineEnd - at < 64 && source.startsWith("---", at) && /^[ \t]*\r?$/.test(source.slice(at + 3, lineEnd));
    if (closes) return { end: at, body: nl === -1 ? source.length : nl + 1 };
    if (nl === -1) return undefined;
    at = nl + 1;
  }
  return undefined;
}

/** Upper bounds on a block's YAML nodes (lines and flow/anchor characters) and on its anchors and aliases. */
function complexity(block: string): { nodes: number; refs: number } {
  let nodes = 1;
  let refs = 0;
  for (let i = 0; i < block.length; i++) {
    const c = block.charCodeAt(i);
    // & * [ ] { } , and LF
    if (c === 38 || c === 42) refs++;
    else if (c === 91 || c === 93 || c === 123 || c === 125 || c === 44 || c === 10) nodes++;
  }
  return { nodes: nodes + refs, refs };
}

export function parseSkillMd(text: string): ParsedSkillMd {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const shift = text.length - source.length;
  if (!source.startsWith("---") || source.startsWith("----")) {
    return {
      data: null,
      matter: "",
      bodyOffset: 0,
      problems: [
        {
          code: "frontmatter-missing",
          message:
            "SKILL.md has no YAML frontmatter: start the file with a `---` block holding name and description",
          line: 1,
        },
      ],
    };
  }
  const firstNl = source.indexOf("\n");
  const firstLine = firstNl === -1 ? source : source.slice(0, firstNl);
  const lang = firstLine.slice(3).trim().toLowerCase();
  const afterFirst = firstNl === -1 ? source.length : firstNl + 1;
  // A block that cannot be parsed is read as instructions: everything after the opening line is body.
  const unparsed = (problem: FrontmatterProblem): ParsedSkillMd => ({
    data: null,
    matter: "",
    bodyOffset: shift + afterFirst,
    problems: [problem],
  });
  const close = findClose(source, afterFirst);
  const blockBytes = (close ? close.end : source.length) - afterFirst;
  if (blockBytes > SCAN_LIMITS.maxFrontmatterBytes) {
    return unparsed({
      code: "frontmatter-too-large",
      message: `frontmatter is ${blockBytes} characters${close ? "" : " and never closed"} (limit ${SCAN_LIMITS.maxFrontmatterBytes}); it was not parsed, and its text was scanned as instructions`,
      line: 1,
    });
  }
  if (!close) {
    return unparsed({
      code: "frontmatter-yaml",
      message: "frontmatter opens with `---` but is never closed: end it with a `---` line",
      line: 1,
    });
  }
  const matterText = source.slice(afterFirst, close.end).replace(/\r?\n$/, "");
  const bodyOffset = shift + close.body;
  if (lang && lang !== "yaml" && lang !== "yml" && lang !== "json") {
    return {
      data: null,
      matter: "",
      bodyOffset,
      problems: [
        {
          code: "frontmatter-code",
          message: `frontmatter is declared as \`${lang}\`: only YAML frontmatter is allowed, and code in it is never run`,
          line: 1,
        },
      ],
    };
  }
  const { nodes, refs } = complexity(matterText);
  if (refs > SCAN_LIMITS.maxFrontmatterRefs || nodes > SCAN_LIMITS.maxFrontmatterNodes) {
    const what =
      refs > SCAN_LIMITS.maxFrontmatterRefs
        ? `${refs} YAML anchors and aliases (\`&\`/\`*\`; limit ${SCAN_LIMITS.maxFrontmatterRefs})`
        : `about ${nodes} YAML nodes (lines and \`[]{},\`; limit ${SCAN_LIMITS.maxFrontmatterNodes})`;
    return unparsed({
      code: "frontmatter-too-large",
      message: `frontmatter holds ${what}; it was not parsed, and its text was scanned as instructions`,
      line: 1,
    });
  }
  let data: unknown;
  try {
    data = lang === "json" ? JSON.parse(matterText || "{}") : safeYaml(matterText);
  } catch (err) {
    const e = err as Error;
    const bomb = /alias/i.test(e.message) && /excessive|resource/i.test(e.message);
    const yamlError = describeYamlError(e, source);
    return {
      data: null,
      matter: "",
      bodyOffset,
      problems: [
        bomb
          ? {
              code: "frontmatter-alias-bomb",
              message: `frontmatter expands more than ${MAX_ALIASES} YAML aliases (a "billion laughs" document); it was not expanded`,
              line: 1,
            }
          : { code: "frontmatter-yaml", ...yamlError },
      ],
    };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return {
      data: null,
      matter: matterText,
      bodyOffset,
      problems: [
        {
          code: "frontmatter-not-mapping",
          message: "frontmatter must be a YAML mapping of keys to values",
          line: 1,
        },
      ],
    };
  }
  return { data: data as Record<string, unknown>, matter: matterText, bodyOffset, problems: [] };
}

/**
 * The parser's own position and its whole message on one line. The parser is given the lines after
 * the opening `---` line, so its line L is the file's line L + 1. The yaml package ends its first message line with "at line L, column C:" and puts a
 * code frame below: the frame's offending line is quoted instead, so the message is not cut at a colon.
 */
function describeYamlError(e: Error, source: string): { message: string; line: number } {
  const pos = (e as Error & { linePos?: { line: number; col: number }[] }).linePos?.[0];
  if (!pos)
    return { message: `frontmatter is not valid YAML: ${e.message.replace(/\s+/g, " ").trim()}`, line: 1 };
  const what = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
  const line = pos.line + 1;
  const offending = (source.split("\n")[line - 1] ?? "").trim().slice(0, 120);
  return {
    message: `frontmatter is not valid YAML at line ${line}, column ${pos.col}: ${what}${offending ? ` (in \`${offending}\`)` : ""}`,
    line,
  };
}
