import { describe, expect, it } from "vitest";
import { APPLIES_TO_ALIASES } from "../src/scan/rules/schema.js";
import { contentKind, fileKind, isCodeKind, isScriptKind } from "../src/scan/text/file-kind.js";
import { invocations, type KindedFile, resolveInSkill, runAsKinds } from "../src/scan/text/run-as.js";
import { commentStart } from "../src/scan/weigh/intent.js";
import { scriptLanguage } from "../src/scripts/language.js";

// The kind decision alone: which files a skill runs with which interpreter, and the generic script
// kind for languages with no syntax tree here. End-to-end scans are in run-as-scan.test.ts.

const md = (text: string, path = "SKILL.md"): KindedFile => ({ path, kind: "instructions", text });
const data = (path: string, text = "x = 1\n"): KindedFile => ({ path, kind: "data", text });
const paths = (text: string) => [...invocations(text)].map((i) => `${i.kind} ${i.path}`);

describe("invocations: commands that run a file", () => {
  it.each([
    ["Run `python3 scripts/inventory.cfg`.", "python scripts/inventory.cfg"],
    ["python -u -W ignore scripts/a.cfg --all", "python scripts/a.cfg"],
    ["/usr/bin/python3.12 tool.dat", "python tool.dat"],
    ["node --require ./hook.js scripts/run.dat", "javascript scripts/run.dat"],
    ["deno run --allow-net scripts/x.conf", "javascript scripts/x.conf"],
    ["bun run scripts/x.conf", "javascript scripts/x.conf"],
    ["bun scripts/x.conf", "javascript scripts/x.conf"],
    ["sudo bash -x scripts/setup", "shell scripts/setup"],
    ["sh -o errexit install.txt2", "shell install.txt2"],
    ["source ./env.cfg && make", "shell ./env.cfg"],
    ["cd x; . ./env.cfg", "shell ./env.cfg"],
    ["pwsh -NoProfile -ExecutionPolicy Bypass -File scripts\\setup.cfg", "powershell scripts/setup.cfg"],
    ["powershell.exe -ep bypass -f .\\tools\\a.dat", "powershell ./tools/a.dat"],
    ["ruby -I lib scripts/a.cfg", "generic-script scripts/a.cfg"],
    ["perl -w scripts/rotate.conf", "generic-script scripts/rotate.conf"],
    ["php -d display_errors=1 -f scripts/w.inc", "generic-script scripts/w.inc"],
    ["Rscript scripts/model.cfg", "generic-script scripts/model.cfg"],
    ['subprocess.run(["python3", "helper.dat"])', "python helper.dat"],
    ["spawn('node', ['stage2.bin'])", "javascript stage2.bin"],
    ["system(%x{bash stage.cfg})", "shell stage.cfg"],
    ["python3 < scripts/feed.cfg", "python scripts/feed.cfg"],
    ['python3 "$CLAUDE_SKILL_DIR/scripts/a.cfg"', "python $CLAUDE_SKILL_DIR/scripts/a.cfg"],
  ])("%s", (text, want) => {
    expect(paths(text)).toEqual([want]);
  });

  it.each([
    ["python3 -m pip install requests"],
    ["python -c 'print(1)' < data.cfg"],
    ["bash -c 'echo hi'"],
    ["node -e 'console.log(1)'"],
    ["ruby -e 'puts 1'"],
    ["perl -pe 's/a/b/' file.txt"],
    ["php -r 'echo 1;'"],
    ["bun install"],
    ["powershell Get-Date"],
    ["See scripts/x.cfg for the host list."],
    ["This is the end . And another sentence."],
    ["Why . Because"],
    ["Use a Python 3.11 virtualenv; node_modules stays out of git."],
    ["cat <<EOF | bash\necho hi\nEOF"],
    ["python3 <(curl -s https://example.com/x)"],
  ])("no file: %s", (text) => {
    expect(paths(text)).toEqual([]);
  });
});

describe("resolveInSkill: the file of the skill a path names", () => {
  const files = new Set(["SKILL.md", "scripts/a.cfg", "scripts/lib/b.cfg", "data/a.cfg", "tools/only.dat"]);
  const byName = new Map<string, string[]>();
  for (const p of files) {
    const n = p.slice(p.lastIndexOf("/") + 1);
    byName.set(n, [...(byName.get(n) ?? []), p]);
  }
  it.each([
    ["scripts/a.cfg", "SKILL.md", "scripts/a.cfg"],
    ["./scripts/a.cfg.", "SKILL.md", "scripts/a.cfg"],
    ["lib/b.cfg", "scripts/run.sh", "scripts/lib/b.cfg"],
    ["../data/a.cfg", "scripts/run.sh", "data/a.cfg"],
    ["{baseDir}/scripts/a.cfg", "SKILL.md", "scripts/a.cfg"],
    ["$SKILL_DIR/scripts/lib/b.cfg", "SKILL.md", "scripts/lib/b.cfg"],
    ["~/.claude/skills/demo/scripts/a.cfg", "SKILL.md", "scripts/a.cfg"],
    ["scripts\\lib\\b.cfg", "SKILL.md", "scripts/lib/b.cfg"],
    ["only.dat", "SKILL.md", "tools/only.dat"],
  ])("%s from %s", (written, from, want) => {
    expect(resolveInSkill(written, from, files, byName)).toBe(want);
  });

  it.each([["a.cfg"], ["../../etc/passwd"], ["missing.cfg"], ["scripts/"]])("no file: %s", (written) => {
    // a.cfg: two files of that name, none at the root: ambiguous, so none.
    expect(resolveInSkill(written, "SKILL.md", files, byName)).toBeUndefined();
  });
});

describe("runAsKinds: a file with no kind of its own takes the kind of what runs it", () => {
  it("gives a .cfg run by python3 the Python kind", () => {
    const kinds = runAsKinds([md("Run `python3 scripts/inventory.cfg`."), data("scripts/inventory.cfg")]);
    expect([...kinds]).toEqual([["scripts/inventory.cfg", "python"]]);
  });

  it("leaves a file that is only read, only mentioned, or a module name", () => {
    const kinds = runAsKinds([
      md("See scripts/hosts.cfg for the list. Install with `python3 -m pip install helper`."),
      { path: "scripts/list.py", kind: "python", text: 'hosts = open("data/hosts.cfg").read()\n' },
      data("scripts/hosts.cfg"),
      data("data/hosts.cfg"),
      data("helper"),
    ]);
    expect(kinds.size).toBe(0);
  });

  it("never changes a file that has a kind (Markdown, a script, a shebang) or is read by name (package.json)", () => {
    const kinds = runAsKinds([
      md("python3 notes.md; bash scripts/a.py; node package.json; bash Makefile"),
      md("# notes", "notes.md"),
      { path: "scripts/a.py", kind: "python", text: "print(1)\n" },
      data("package.json", '{"scripts":{}}'),
      data("Makefile", "all:\n\techo\n"),
    ]);
    expect(kinds.size).toBe(0);
  });

  it("reads the commands of scripts, and of files that became scripts (a stage that starts the next)", () => {
    const kinds = runAsKinds([
      md("Run `bash scripts/start.sh`."),
      { path: "scripts/start.sh", kind: "shell", text: "ruby stage1.dat\n" },
      data("scripts/stage1.dat", 'system("perl stage2.dat")\n'),
      data("scripts/stage2.dat", "print 1;\n"),
    ]);
    expect(Object.fromEntries(kinds)).toEqual({
      "scripts/stage1.dat": "generic-script",
      "scripts/stage2.dat": "generic-script",
    });
  });

  it("lets SKILL.md decide first when two commands disagree", () => {
    const kinds = runAsKinds([md("bash tools/x.cfg", "AAA.md"), md("node tools/x.cfg"), data("tools/x.cfg")]);
    expect(kinds.get("tools/x.cfg")).toBe("javascript");
  });

  it("is pure: the same files give the same map", () => {
    const files = [md("python3 a.cfg && ruby b.cfg"), data("a.cfg"), data("b.cfg")];
    expect([...runAsKinds(files)]).toEqual([...runAsKinds(files)]);
    expect(Object.fromEntries(runAsKinds(files))).toEqual({ "a.cfg": "python", "b.cfg": "generic-script" });
  });
});

describe("the generic script kind", () => {
  it.each([
    ["scripts/a.rb", ""],
    ["scripts/a.pl", ""],
    ["lib/A.pm", ""],
    ["www/index.php", ""],
    ["plugin.lua", ""],
    ["build.tcl", ""],
    ["model.R", ""],
    ["Jenkins.groovy", ""],
    ["notify.applescript", ""],
    ["Gemfile", ""],
    ["tasks/Rakefile", ""],
    ["lib/tasks/build.rake", ""],
    ["bin/tool", "#!/usr/bin/env ruby\nputs 1\n"],
    ["bin/tool", "#!/usr/bin/perl -w\nprint 1;\n"],
    ["bin/tool.cfg", "#!/usr/bin/php\n<?php echo 1;\n"],
  ])("%s is generic-script", (path, head) => {
    expect(fileKind(path, head)).toBe("generic-script");
  });

  it("keeps the shebang's decision for known interpreters and data for the rest", () => {
    expect(contentKind("bin/tool", "#!/usr/bin/env python3\nprint(1)\n")).toBe("python");
    expect(contentKind("data/hosts.cfg", "[hosts]\na = 1\n")).toBe("data");
  });

  it("is code, gets the script rules and the script context, but no syntax tree", () => {
    expect(isCodeKind("generic-script")).toBe(true);
    expect(isScriptKind("generic-script")).toBe(false);
    expect(isCodeKind("data")).toBe(false);
    expect(APPLIES_TO_ALIASES.scripts).toContain("generic-script");
    expect(scriptLanguage("scripts/a.rb", "generic-script")).toBeUndefined();
  });

  it("takes only a whole-line comment as a comment (the language is unknown)", () => {
    expect(commentStart("  # system('curl x | sh')", "generic-script")).toBe(2);
    expect(commentStart("// eval(x)", "generic-script")).toBe(0);
    expect(commentStart('local n = #t; os.execute("curl x | sh")', "generic-script")).toBe(-1);
  });
});
