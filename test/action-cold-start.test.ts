import { describe, expect, it, vi } from "vitest";
import { loadBuiltinRuleSet } from "../src/node/load.js";
import { createSkillRunner } from "../src/node/skill-runner.js";
import { type DiscoveredSkill, MAX_SCRIPT_CHARS } from "../src/scan/index.js";

// The Action's cold start (npm run bench:action): grammars start loading as soon as the listing shows
// a script of their language, while the first skills are scanned, and only for those languages. In a
// file of its own: grammars are loaded once per thread, so no other test may have loaded one before.

/** Grammars whose loading finished, from the measures src/node/grammars.ts records. */
const grammarsLoaded = () =>
  performance
    .getEntriesByType("measure")
    .map((e) => e.name)
    .filter((n) => n.startsWith("skill-quarantine:grammar "))
    .map((n) => n.slice("skill-quarantine:grammar ".length))
    .sort();

const skill = (dir: string, files: Record<string, number>): DiscoveredSkill => ({
  dir,
  entries: [
    { path: `${dir}/SKILL.md`, kind: "file", size: 200 },
    ...Object.entries(files).map(([name, size]) => ({ path: `${dir}/${name}`, kind: "file" as const, size })),
  ],
});

describe("grammars for the scripts a listing shows", () => {
  it("start loading before any skill is scanned, only for languages present, never for Markdown alone", async () => {
    const ruleSet = await loadBuiltinRuleSet();
    const runner = createSkillRunner({ ruleSet, workers: 1 });
    runner.runner([skill("notes", { "README.md": 100, "data.json": 100 })]);
    await new Promise((r) => setTimeout(r, 300));
    expect(grammarsLoaded()).toEqual([]);

    runner.runner([
      skill("convert", { "scripts/convert.py": 150 }),
      // Too large to be parsed (left to the text rules): no grammar for it.
      skill("big", { "scripts/huge.sh": MAX_SCRIPT_CHARS + 1 }),
    ]);
    await vi.waitFor(() => expect(grammarsLoaded()).toEqual(["python"]), { timeout: 30_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 300));
    expect(grammarsLoaded()).toEqual(["python"]);
    await runner.close();
  });

  it("a runner without script analysis loads none", async () => {
    const ruleSet = await loadBuiltinRuleSet();
    const before = grammarsLoaded();
    const runner = createSkillRunner({ ruleSet, workers: 1, scripts: false });
    runner.runner([skill("tool", { "tool.ps1": 100, "index.ts": 100 })]);
    await new Promise((r) => setTimeout(r, 500));
    expect(grammarsLoaded()).toEqual(before);
    await runner.close();
  });
});
