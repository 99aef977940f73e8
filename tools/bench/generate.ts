import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CompiledRule, TextKind } from "../../src/scan/index.js";

// Generated trees for the benchmark. Everything lives under os.tmpdir() and is removed by the caller.

/** Temp dirs not yet removed, so an interrupted run can clean up. */
export const liveTemps = new Set<string>();

export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `sq-bench-${label}-`));
  liveTemps.add(dir);
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveTemps.delete(dir);
}

/** Writes files with bounded concurrency (100,000 small files would exhaust descriptors otherwise). */
export async function writeFiles(
  root: string,
  files: Iterable<[string, string]>,
  parallel = 64,
): Promise<void> {
  const made = new Set<string>();
  const queue: Promise<void>[] = [];
  for (const [rel, text] of files) {
    const full = join(root, rel);
    const dir = dirname(full);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    queue.push(writeFile(full, text));
    if (queue.length >= parallel) await Promise.all(queue.splice(0));
  }
  await Promise.all(queue);
}

/** `copy-1/ … copy-K/`, each a full copy of the corpus (so skill ids stay distinct by namespace). */
export async function replicate(src: string, k: number): Promise<string> {
  const root = await tempDir(`scale${k}`);
  for (let i = 1; i <= k; i++) await cp(src, join(root, `copy-${i}`), { recursive: true });
  return root;
}

const skillMd = (name: string, description: string, body: string) =>
  `---\nname: ${name}\ndescription: ${description}\nlicense: MIT\n---\n${body}`;

/** A plausible small skill: instructions, a reference file and a script, with a couple of findings. */
function syntheticSkill(i: number): [string, string][] {
  const name = `skill-${String(i).padStart(5, "0")}`;
  const dir = `ns-${Math.floor(i / 100)}/${name}`;
  const para =
    "Use this skill when the user asks to summarise a report. Read the input, keep the headings, " +
    "and write a short summary with the key numbers. Ask before overwriting files.\n\n";
  const body =
    `# ${name}\n\n${para.repeat(8)}` +
    "## Setup\n\n```bash\npip install requests\npython scripts/run.py --input report.md\n```\n\n" +
    `See [the reference](reference.md) and https://docs.unlisted-vendor-${i % 50}.net/guide for details.\n`;
  return [
    [
      `${dir}/SKILL.md`,
      skillMd(name, `Summarises reports into key numbers. Use when asked for a summary.`, body),
    ],
    [`${dir}/reference.md`, `# Reference\n\n${para.repeat(16)}`],
    [
      `${dir}/scripts/run.py`,
      'import sys\nimport requests\n\ndef main():\n    data = open(sys.argv[2]).read()\n    print(len(data))\n\nif __name__ == "__main__":\n    main()\n',
    ],
  ];
}

export function* syntheticTree(n: number): Generator<[string, string]> {
  for (let i = 0; i < n; i++) yield* syntheticSkill(i);
}

/** A text of `size` characters on one line, with every rule keyword, URLs and encoded runs in it. */
export function hostileLine(size: number, rules: readonly CompiledRule[]): string {
  const words =
    "the agent reads the file and then writes a summary of the report for the user before it continues ";
  const keywords = rules.flatMap((r) => r.keywords).join(" ");
  const chunk =
    `${words}${keywords} fetch https://cdn.unlisted-host.net/a/b?c=d then ` +
    "aGVsbG8gd29ybGQgZnJvbSB0aGUgYmVuY2htYXJr \\x63\\x75\\x72\\x6c 0x41414141 " +
    `"quoted 'text' (with [brackets] and {braces})" ${words}`;
  return chunk.repeat(Math.ceil(size / chunk.length)).slice(0, size);
}

/** `size` characters of nested brackets and quotes, opened all the way down, then closed. */
export function nestedBrackets(size: number): string {
  const open = "[(\"'`{<*_";
  const close = "_*>}`'\")]";
  const n = Math.floor(size / (open.length + close.length));
  return open.repeat(n) + close.repeat(n);
}

const EXT: Record<TextKind, string> = {
  instructions: "md",
  frontmatter: "md",
  python: "py",
  javascript: "js",
  shell: "sh",
  powershell: "ps1",
  "generic-script": "rb",
  markup: "html",
  data: "dat",
};

/**
 * Characters a pattern needs, in order: escapes become a typical character, classes their first
 * member, syntax is dropped. Repeated after a keyword this yields long near-misses that make the
 * regex try and fail at every position (the generic worst case for a safe pattern).
 */
export function patternLiterals(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      const e = pattern[++i] ?? "";
      out += e === "s" ? " " : e === "d" ? "1" : e === "w" ? "a" : e === "b" || e === "B" ? "" : e;
    } else if (c === "[") {
      let j = i + 1;
      if (pattern[j] === "^") {
        out += "a";
        j++;
      } else if (pattern[j] === "\\") {
        const e = pattern[j + 1] ?? "";
        out += e === "s" ? " " : e === "d" ? "1" : e === "w" ? "a" : e;
      } else out += pattern[j] ?? "";
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      i = j;
    } else if (c === "{") {
      while (i < pattern.length && pattern[i] !== "}") i++;
    } else if (c === "(" && pattern[i + 1] === "?") {
      i++;
      while (i + 1 < pattern.length && /[:=!<>a-zA-Z]/.test(pattern[i + 1]!)) {
        if (pattern[i + 1] === ":" || pattern[i + 1] === "=" || pattern[i + 1] === "!") {
          i++;
          break;
        }
        i++;
      }
    } else if (!"^$|()?*+.".includes(c)) out += c;
    else if (c === ".") out += "x";
  }
  return out;
}

export interface RuleAttack {
  rule: CompiledRule;
  source: "recheck attack" | "keyword + pattern literals";
  /** recheck's complexity when it reported the pattern vulnerable. */
  complexity?: string;
  /** The string for a given size. */
  build(size: number): string;
  ext: string;
}

interface CachedDiagnosis {
  status: string;
  complexity?: string;
  attack?: { pumps: { prefix: string; pump: string }[]; suffix: string };
}

/** Where recheck's verdicts are kept between runs (fuzzing takes seconds per pattern). */
export const RECHECK_CACHE = join(tmpdir(), "sq-bench-recheck-cache.json");

/**
 * A worst-case input per rule: recheck's attack string when it reports one (pumped to the size),
 * otherwise a keyword followed by the pattern's own characters minus the last, repeated. recheck's
 * answers are cached by pattern and flags in RECHECK_CACHE, since its fuzzer needs up to `timeout`
 * per pattern and is not deterministic.
 */
export async function ruleAttacks(
  rules: readonly CompiledRule[],
  timeout = 5_000,
): Promise<{ attacks: RuleAttack[]; cached: number; checked: number; unknown: number }> {
  const { check } = await import("recheck");
  let cache: Record<string, CachedDiagnosis> = {};
  try {
    cache = JSON.parse(await readFile(RECHECK_CACHE, "utf8")) as Record<string, CachedDiagnosis>;
  } catch {
    cache = {};
  }
  const out: RuleAttack[] = [];
  let cached = 0;
  let checked = 0;
  let unknown = 0;
  for (const rule of rules) {
    const kind = [...rule.kinds][0] ?? "instructions";
    const ext = EXT[kind];
    const kw = rule.keywords[0] ?? "";
    const key = `/${rule.pattern}/${rule.flags}`;
    let diag = cache[key];
    if (diag) cached++;
    else {
      checked++;
      try {
        const d = await check(rule.pattern, rule.flags, { timeout });
        diag =
          d.status === "vulnerable"
            ? {
                status: d.status,
                complexity: d.complexity.summary,
                attack: {
                  pumps: d.attack.pumps.map((p) => ({ prefix: p.prefix, pump: p.pump })),
                  suffix: d.attack.suffix,
                },
              }
            : { status: d.status };
      } catch (err) {
        diag = { status: `error: ${(err as Error).message}` };
      }
      cache[key] = diag;
    }
    if (diag.status !== "safe" && diag.status !== "vulnerable") unknown++;
    const attack = diag.attack;
    if (attack) {
      out.push({
        rule,
        ext,
        source: "recheck attack",
        complexity: diag.complexity,
        build(size) {
          const pumpLen = attack.pumps.reduce((n, p) => n + p.pump.length, 0) || 1;
          const fixed =
            kw.length + 1 + attack.pumps.reduce((n, p) => n + p.prefix.length, 0) + attack.suffix.length;
          const reps = Math.max(1, Math.floor((size - fixed) / pumpLen));
          return `${kw} ${attack.pumps.map((p) => p.prefix + p.pump.repeat(reps)).join("")}${attack.suffix}`;
        },
      });
      continue;
    }
    const lit = patternLiterals(rule.pattern);
    const unit = `${kw} ${lit.slice(0, Math.max(1, lit.length - 1))} `;
    out.push({
      rule,
      ext,
      source: "keyword + pattern literals",
      build: (size) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size),
    });
  }
  if (checked > 0) await writeFile(RECHECK_CACHE, JSON.stringify(cache));
  return { attacks: out, cached, checked, unknown };
}

/** One skill per rule, its attack string in a file of the kind the rule reads. */
export function* ruleAttackTree(attacks: readonly RuleAttack[], size: number): Generator<[string, string]> {
  for (const a of attacks) {
    const name = a.rule.id.replace(/[^a-z0-9]+/g, "-");
    const text = a.build(size);
    if (a.rule.kinds.has("frontmatter") && a.rule.kinds.size === 1) {
      yield [
        `rules/${name}/SKILL.md`,
        `---\nname: ${name}\ndescription: '${text.replace(/'/g, "''").replace(/\n/g, " ")}'\n---\n# ${name}\n`,
      ];
    } else {
      yield [`rules/${name}/SKILL.md`, skillMd(name, "Worst-case input for one rule.", `# ${name}\n`)];
      yield [`rules/${name}/attack.${a.ext}`, text];
    }
  }
}

/** `skills` skills holding `files` files in all (SKILL.md included), each a few bytes. */
export function* tinyFiles(skills: number, files: number): Generator<[string, string]> {
  const per = Math.floor(files / skills);
  for (let s = 0; s < skills; s++) {
    const name = `tiny-${String(s).padStart(4, "0")}`;
    const dir = `tiny/${name}`;
    yield [`${dir}/SKILL.md`, skillMd(name, "Many tiny files. Use when testing.", "# t\n")];
    for (let f = 1; f < per; f++) yield [`${dir}/n/${String(f).padStart(3, "0")}.md`, `note ${f}\n`];
  }
}

export function* singleFileSkill(name: string, file: string, text: string): Generator<[string, string]> {
  if (file === "SKILL.md") {
    yield [`${name}/SKILL.md`, skillMd(name, "A hostile input for the benchmark.", text)];
  } else {
    yield [`${name}/SKILL.md`, skillMd(name, "A hostile input for the benchmark.", `# ${name}\n`)];
    yield [`${name}/${file}`, text];
  }
}

/**
 * A SKILL.md whose frontmatter is about `size` characters of YAML anchors and the aliases to them
 * (the "40,000 anchors" freeze of issue 11), closed by `---`.
 */
export function* frontmatterAnchors(size: number): Generator<[string, string]> {
  const lines = ["---", "name: anchors", "description: A hostile input for the benchmark."];
  let n = 0;
  for (let i = 0; n < size / 2; i++) {
    const line = `k${i}: &a${i} value-${i}`;
    lines.push(line);
    n += line.length + 1;
  }
  const anchors = lines.length - 3;
  for (let i = 0; i < anchors; i++) lines.push(`r${i}: *a${i}`);
  lines.push("---", "# Anchors", "", "Format the notes.", "");
  yield ["fm-anchors/SKILL.md", lines.join("\n")];
}

/** A SKILL.md that opens a frontmatter with `---` and never closes it, about `size` characters long. */
export function* frontmatterUnclosed(size: number): Generator<[string, string]> {
  const line = "note: the agent keeps the summary short and writes the key numbers in a table\n";
  yield [
    "fm-unclosed/SKILL.md",
    `---\nname: unclosed\ndescription: A hostile input for the benchmark.\n${line.repeat(Math.ceil(size / line.length))}`,
  ];
}
