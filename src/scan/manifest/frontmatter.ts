import matter from "gray-matter";
import { parse as parseYaml } from "yaml";

export interface FrontmatterProblem {
  code:
    | "frontmatter-code"
    | "frontmatter-yaml"
    | "frontmatter-alias-bomb"
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

class ExecutableFrontmatter extends Error {}

// A YAML document may repeat anchors only so often; past that it is a billion-laughs attempt.
const MAX_ALIASES = 100;

function safeYaml(text: string): object {
  const doc = parseYaml(text, { maxAliasCount: MAX_ALIASES, uniqueKeys: false, schema: "core" });
  return doc === null || doc === undefined ? {} : (doc as object);
}

function refuse(): object {
  throw new ExecutableFrontmatter("executable frontmatter");
}

// gray-matter picks an engine from the word after the opening `---` and by default runs `---js`
// through eval. Only YAML (and inert JSON) may ever be parsed; every code engine refuses.
const ENGINES = {
  yaml: { parse: safeYaml, stringify: () => "" },
  json: { parse: (s: string) => JSON.parse(s) as object },
  javascript: { parse: refuse },
  js: { parse: refuse },
  coffee: { parse: refuse },
  coffeescript: { parse: refuse },
  cson: { parse: refuse },
  toml: { parse: refuse },
};

export function parseSkillMd(text: string): ParsedSkillMd {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const shift = text.length - source.length;
  if (!source.startsWith("---")) {
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
  const firstLine = source.slice(0, source.indexOf("\n") >>> 0);
  const lang = firstLine.slice(3).trim().toLowerCase();
  try {
    // Passing options also keeps gray-matter from caching every document it sees (a memory leak at scale).
    const file = matter(source, { engines: ENGINES as never, language: "yaml" });
    const bodyOffset = shift + source.length - file.content.length;
    const data = file.data as unknown;
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      return {
        data: null,
        matter: file.matter,
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
    return { data: data as Record<string, unknown>, matter: file.matter, bodyOffset, problems: [] };
  } catch (err) {
    const e = err as Error;
    const end = source.indexOf("\n---", 3);
    const bodyOffset = end === -1 ? 0 : shift + source.indexOf("\n", end + 4) + 1 || source.length;
    if (e instanceof ExecutableFrontmatter || (lang && lang !== "yaml" && lang !== "yml")) {
      return {
        data: null,
        matter: "",
        bodyOffset,
        problems: [
          {
            code: "frontmatter-code",
            message: `frontmatter is declared as \`${lang || "code"}\`: only YAML frontmatter is allowed, and code in it is never run`,
            line: 1,
          },
        ],
      };
    }
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
}

/**
 * The parser's own position and its whole message on one line. gray-matter hands the parser the text
 * from the end of the opening `---` (its line 1 is that line's rest), so the parser's line is the
 * file's line. The yaml package ends its first message line with "at line L, column C:" and puts a
 * code frame below: the frame's offending line is quoted instead, so the message is not cut at a colon.
 */
function describeYamlError(e: Error, source: string): { message: string; line: number } {
  const pos = (e as Error & { linePos?: { line: number; col: number }[] }).linePos?.[0];
  if (!pos)
    return { message: `frontmatter is not valid YAML: ${e.message.replace(/\s+/g, " ").trim()}`, line: 1 };
  const what = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
  const offending = (source.split("\n")[pos.line - 1] ?? "").trim().slice(0, 120);
  return {
    message: `frontmatter is not valid YAML at line ${pos.line}, column ${pos.col}: ${what}${offending ? ` (in \`${offending}\`)` : ""}`,
    line: pos.line,
  };
}
