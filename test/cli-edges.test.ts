import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseSkillMd } from "../src/scan/manifest/frontmatter.js";

// The edges a newcomer hits first (issue 15): each one is what a new user typed, and what they got.

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "skill-quarantine.js");
// By URL: the CLI may run in a folder outside the repository, where `--import tsx` would not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

async function cli(args: string[], cwd = join(import.meta.dirname, "..")) {
  try {
    const r = await run(process.execPath, ["--import", TSX, BIN, ...args], {
      cwd,
      env: { ...process.env, SQ_FROM_SOURCE: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const oneLine = (s: string) => s.trimEnd().split("\n");

async function skillDir(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "sq-edge-"));
  for (const [p, content] of Object.entries(files)) {
    await mkdir(join(root, p, ".."), { recursive: true });
    await writeFile(join(root, p), content);
  }
  return root;
}

const GOOD =
  "---\nname: notes\ndescription: Tidies meeting notes into a summary. Use when notes are messy.\n---\n\nTidy the notes.\n";

describe("a path on the command line must hold a skill", () => {
  it("a file that is not SKILL.md: exit 2, one line", async () => {
    const r = await cli(["scan", "README.md"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      "skill-quarantine: README.md is a file, not a SKILL.md; give a skill's folder or its SKILL.md",
    ]);
  });

  it("an empty folder or one without skills: exit 2, one line (a typo must not pass CI)", async () => {
    const empty = await skillDir({});
    const r = await cli(["scan", empty]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      `skill-quarantine: no SKILL.md found in ${empty}; give a folder that holds skills (is the path right?)`,
    ]);
    const docs = await skillDir({ "docs/guide.md": "# Guide\n" });
    expect((await cli(["scan", docs])).code).toBe(2);
    // One good path does not cover for a wrong one.
    expect((await cli(["scan", "examples/clean-notes", docs])).code).toBe(2);
  });

  it("a SKILL.md path scans its skill", async () => {
    const r = await cli(["scan", "examples/clean-notes/SKILL.md", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).skills.map((s: { id: string }) => s.id)).toEqual(["clean-notes"]);
  });

  it("no path at all, in a folder without skills: still 'nothing to scan', exit 0", async () => {
    const r = await cli(["scan"], await skillDir({ "README.md": "# hi\n" }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No SKILL.md found: nothing to scan.");
  });

  it("a shard that holds none of the folder's skills is not an error", async () => {
    const codes = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(
        async (i) => (await cli(["scan", "examples", "--shard", `${i}/6`, "-q", "--fail-on", "none"])).code,
      ),
    );
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("a SKILL.md that is not text", () => {
  it("random bytes are SUSPICIOUS (unscannable), not 'No problems found'", async () => {
    // A NUL byte up front makes it binary whatever the random bytes are.
    const dir = await skillDir({ "blob/SKILL.md": Buffer.concat([Buffer.from([0x00]), randomBytes(4096)]) });
    const r = await cli(["scan", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    const [s] = JSON.parse(r.stdout).skills;
    expect(s.severity).toBe("SUSPICIOUS");
    expect(s.findings.map((f: { ruleId: string }) => f.ruleId)).toContain("input.skill-md-not-text");
    const text = await cli(["scan", dir]);
    expect(text.stdout).not.toContain("No problems found");
    expect(text.stdout).toContain("SKILL.md is not a text file");
  });

  it("a binary file elsewhere in a skill is judged as before, not as an unreadable SKILL.md", async () => {
    const dir = await skillDir({ "notes/SKILL.md": GOOD, "notes/data.bin": Buffer.from([0, 1, 2, 3]) });
    const s = JSON.parse((await cli(["scan", dir, "--format", "json"])).stdout).skills[0];
    expect(s.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain("input.skill-md-not-text");
  });
});

describe("info", () => {
  it("a folder with several skills lists them instead of picking the first", async () => {
    const r = await cli(["info", "examples"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      "skill-quarantine: examples holds 5 skills; give one of them: examples/clean-notes, examples/low-quality-helper, examples/malicious-prereq, examples/risky-weather, examples/suspicious-formatter",
    ]);
  });

  it("one skill below the folder, or the folder itself, is shown", async () => {
    const dir = await skillDir({ "only/SKILL.md": GOOD.replace("name: notes", "name: only") });
    expect(JSON.parse((await cli(["info", dir])).stdout).name).toBe("only");
    expect(JSON.parse((await cli(["info", join(dir, "only", "SKILL.md")])).stdout).name).toBe("only");
  });
});

describe("usage errors", () => {
  it("are one line, not the whole help", async () => {
    for (const args of [["scan", "--bogus"], ["scan", "-f", "yaml"], ["frobnicate"], ["diff", "a"]]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(oneLine(r.stderr), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(/^skill-quarantine: .+ \(see --help\)\n$/);
    }
  });

  it("--rules with a missing folder names the flag and the folder, not ENOENT", async () => {
    const r = await cli(["scan", "examples", "--rules", "no/such/rules"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      "skill-quarantine: --rules no/such/rules: no such folder; give a folder holding rule .yml files",
    ]);
  });

  it("--help shows --fail-on's default by name", async () => {
    const r = await cli(["scan", "--help"]);
    expect(r.code).toBe(0);
    // Without the flag the config's fail-on applies (issue 13), so the help names both.
    expect(r.stdout.replace(/\s+/g, " ")).toContain(
      "(none never fails) (default: the config's fail-on, else SUSPICIOUS)",
    );
    expect(r.stdout).not.toMatch(/default: 3\b/);
  });
});

describe("the summary line", () => {
  it("counts skills per level and the findings apart", async () => {
    const r = await cli(["scan", "examples", "-q", "--fail-on", "none", "--format", "json"]);
    const findings = JSON.parse(r.stdout).totals.findings as number;
    const text = await cli(["scan", "examples", "-q", "--fail-on", "none"]);
    expect(oneLine(text.stdout).at(-1)).toBe(
      `5 skills scanned: 1 MALICIOUS, 1 SUSPICIOUS, 1 RISKY, 1 LOW_QUALITY, 1 clean (${findings} findings).`,
    );
  });
});

describe("broken YAML frontmatter", () => {
  it("is reported at the parser's line with the parser's whole message", () => {
    const text = "---\nname: notes\ndescription: fine: one\nlicense: MIT\n---\nbody\n";
    const [p] = parseSkillMd(text).problems;
    expect(p).toEqual({
      code: "frontmatter-yaml",
      line: 3,
      message:
        "frontmatter is not valid YAML at line 3, column 14: Nested mappings are not allowed in compact mappings (in `description: fine: one`)",
    });
  });

  it("keeps the file's line numbers after a byte order mark, and a finding points there", async () => {
    const text = '\uFEFF---\nname: notes\ndescription: ok\nlicense: "MIT\n---\nbody\n';
    const [p] = parseSkillMd(text).problems;
    expect(p!.line).toBe(4);
    expect(p!.message).toMatch(
      /^frontmatter is not valid YAML at line 4, column \d+: Missing closing "quote/,
    );
    const dir = await skillDir({ "notes/SKILL.md": text });
    const s = JSON.parse((await cli(["scan", dir, "--format", "json", "--fail-on", "none"])).stdout)
      .skills[0];
    const f = s.findings.find((x: { ruleId: string }) => x.ruleId === "manifest.frontmatter-invalid");
    expect(f).toMatchObject({ file: "notes/SKILL.md", line: 4 });
  });
});
