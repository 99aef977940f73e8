import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { describe, expect, it } from "vitest";

// README's "Architecture" section is where a newcomer learns which file owns what. For the two
// folders cut by role (script analysis, the App's GitHub calls) it names every file; this test fails
// when a file is added, renamed or moved there without the section saying so.

const root = join(dirname(new URL(import.meta.url).pathname), "..");

function architecture(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Architecture");
  const end = readme.indexOf("\n## ", start + 1);
  expect(start).toBeGreaterThan(0);
  return readme.slice(start, end);
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(posix.join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [posix.join(dir, e.name)]
        : [],
  );
}

describe("README Architecture matches the tree", () => {
  const section = architecture();

  it.each(["src/scripts", "src/app/github"])("names every file of %s", (dir) => {
    const files = tsFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    const unnamed = files.filter((f) => !section.includes(`\`${posix.basename(f)}\``));
    expect(unnamed, "say in README's Architecture what these files are").toEqual([]);
  });

  it("names each language folder of src/scripts/ and its walker.ts / calls.ts cut", () => {
    for (const lang of readdirSync(join(root, "src/scripts"), { withFileTypes: true }))
      if (lang.isDirectory()) expect(section).toContain(`\`${lang.name}/\``);
    expect(section).toMatch(/`walker\.ts` walks/);
    expect(section).toMatch(/`calls\.ts` says what each/);
  });
});
