import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../src/scan/index.js";
import type { Finding, LevelNumber, ScanResult } from "../src/scan/types.js";
import { labelFromFolder, normaliseId, parseLabels, parseRate } from "../tools/eval/labels.js";
import { evaluate, type Found, missedGates, pct, renderMatrix } from "../tools/eval/metrics.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "skill-quarantine.js");
const SKILLS = 60;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", BIN, ...args], {
      env: { ...process.env, SQ_FROM_SOURCE: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs tasks at most `limit` at a time (each CLI run is a Node process). */
async function pool<T>(tasks: (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

const key = (s: { id: string; path: string }) => `${s.id} @ ${s.path}`;

describe("scan --shard i/n and merge", () => {
  let dir: string;
  let full: ScanResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sq-shard-"));
    // Three namespaces of skills, some with a script and a link, so reports are not all alike.
    for (let i = 0; i < SKILLS; i++) {
      const ns = ["acme", "tools", "labs"][i % 3]!;
      const name = `skill-${String(i).padStart(2, "0")}`;
      const skill = join(dir, "registry", ns, name);
      await mkdir(join(skill, "scripts"), { recursive: true });
      await writeFile(
        join(skill, "SKILL.md"),
        `---\nname: ${name}\ndescription: Formats notes number ${i}. Use when the user asks for tidy notes.\nlicense: MIT\n---\n# ${name}\n\nRead the notes and tidy them.${i % 4 === 0 ? " See https://docs.unlisted-vendor.net/guide." : ""}\n`,
      );
      if (i % 5 === 0) await writeFile(join(skill, "scripts", "run.py"), `print(${i})\n`);
    }
    const r = await cli(["scan", join(dir, "registry"), "--format", "json", "--fail-on", "none"]);
    expect(r.code).toBe(0);
    full = JSON.parse(r.stdout) as ScanResult;
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("the unsharded scan finds every generated skill once", () => {
    expect(full.skills).toHaveLength(SKILLS);
    expect(new Set(full.skills.map(key)).size).toBe(SKILLS);
  });

  it.each([1, 2, 3, 4, 5])("n = %i: the shards partition the skills exactly and merge back", async (n) => {
    const shards = await pool(
      Array.from({ length: n }, (_, i) => async () => {
        const r = await cli([
          "scan",
          join(dir, "registry"),
          "--shard",
          `${i + 1}/${n}`,
          "--format",
          "json",
          "--fail-on",
          "none",
        ]);
        expect(r.code, r.stderr).toBe(0);
        return { text: r.stdout, report: JSON.parse(r.stdout) as ScanResult };
      }),
    );

    // No skill twice, none missed: every skill is in exactly one shard.
    const seen = new Map<string, number>();
    shards.forEach(({ report }, i) => {
      for (const s of report.skills) {
        expect(seen.has(key(s)), `${key(s)} in shard ${seen.get(key(s))! + 1} and ${i + 1}`).toBe(false);
        seen.set(key(s), i);
        // Stable: the shard is the one the id hash names.
        expect(shardOf(s.id, n)).toBe(i);
      }
    });
    expect([...seen.keys()].sort()).toEqual(full.skills.map(key).sort());

    // Roughly even: no shard empty, none more than twice its fair share.
    const fair = SKILLS / n;
    for (const { report } of shards) {
      expect(report.skills.length).toBeGreaterThan(0);
      expect(report.skills.length).toBeLessThanOrEqual(2 * fair);
    }

    // merge of the shard reports = the unsharded scan's skill set, with the same verdicts.
    const files = await Promise.all(
      shards.map(async ({ text }, i) => {
        const f = join(dir, `shard-${n}-${i + 1}.json`);
        await writeFile(f, text);
        return f;
      }),
    );
    const merged = await cli(["merge", ...files, "--format", "json", "--fail-on", "none"]);
    expect(merged.code, merged.stderr).toBe(0);
    const m = JSON.parse(merged.stdout) as ScanResult;
    const summary = (r: ScanResult) => r.skills.map((s) => `${key(s)} ${s.severity} ${s.contentHash}`).sort();
    expect(summary(m)).toEqual(summary(full));
    expect(m.totals.skills).toBe(SKILLS);
    expect(m.totals.bySeverity).toEqual(full.totals.bySeverity);
  });
});

describe("eval: labels, rates, confusion matrix", () => {
  it("parses labels.tsv: header, notes, comments, ./ and trailing slashes", () => {
    const labels = parseLabels(
      [
        "id\texpected\tnote",
        "malicious/a\tMALICIOUS\t",
        "./benign/b/\tnone\tmay be RISKY",
        "# a comment",
        "",
        "benign/c\trisky",
        "benign/d\tlow-quality\tnote\twith a tab",
      ].join("\n"),
    );
    expect([...labels.keys()]).toEqual(["malicious/a", "benign/b", "benign/c", "benign/d"]);
    expect(labels.get("malicious/a")).toMatchObject({ expected: 4, source: "labels.tsv:2" });
    expect(labels.get("malicious/a")?.note).toBeUndefined();
    expect(labels.get("benign/b")).toMatchObject({ expected: 0, note: "may be RISKY" });
    expect(labels.get("benign/c")?.expected).toBe(2);
    expect(labels.get("benign/d")).toMatchObject({ expected: 1, note: "note\twith a tab" });
  });

  it("rejects bad labels with file:line", () => {
    expect(() => parseLabels("x\tHARMLESS\n", "l.tsv")).toThrow(/l\.tsv:1: unknown level "HARMLESS"/);
    expect(() => parseLabels("a\tnone\njust-an-id\n", "l.tsv")).toThrow(/l\.tsv:2: expected "id<TAB>/);
    expect(() => parseLabels("a\tnone\n./a\tRISKY\n", "l.tsv")).toThrow(
      /l\.tsv:2: a is already labelled at l\.tsv:1/,
    );
  });

  it("labels by top folder and normalises ids", () => {
    expect(labelFromFolder("benign/x")).toBe(0);
    expect(labelFromFolder("malicious/deep/y")).toBe(4);
    expect(labelFromFolder("other/z")).toBeUndefined();
    expect(normaliseId(".\\malicious\\x\\")).toBe("malicious/x");
    expect(normaliseId("./")).toBe(".");
  });

  it("accepts rates as 0, 1, 0.95 or 95% and nothing else", () => {
    expect(parseRate("0")).toBe(0);
    expect(parseRate("1")).toBe(1);
    expect(parseRate("0.95")).toBe(0.95);
    expect(parseRate("95%")).toBeCloseTo(0.95);
    expect(parseRate("100%")).toBe(1);
    expect(parseRate(".5")).toBe(0.5);
    for (const bad of ["95", "1.5", "-0.1", "101%", "abc", "", "0.9x"])
      expect(parseRate(bad)).toBeUndefined();
  });

  it("counts the confusion matrix and the rates", () => {
    const L = (id: string, expected: LevelNumber) => [id, { id, expected, source: "t" }] as const;
    const labels = new Map([
      L("benign/a", 0),
      L("benign/b", 0),
      L("benign/c", 0),
      L("benign/d", 2),
      L("malicious/e", 4),
      L("malicious/f", 4),
      L("malicious/g", 4),
      L("malicious/h", 3),
      L("malicious/missing", 4),
    ]);
    const top = {
      ruleId: "r.x",
      file: "malicious/g/SKILL.md",
      line: 3,
      excerpt: "x",
      level: "RISKY",
    } as Finding;
    const F = (id: string, level: LevelNumber, t?: Finding) => [id, { level, top: t }] as [string, Found];
    const found = new Map<string, Found>([
      F("benign/a", 0),
      F("benign/b", 2),
      F("benign/c", 3),
      F("benign/d", 1),
      F("malicious/e", 4),
      F("malicious/f", 3),
      F("malicious/g", 2, top),
      F("malicious/h", 3),
      F("extra/u", 1),
    ]);
    const e = evaluate(labels, found);
    expect(e.matrix).toEqual([
      [1, 0, 1, 1, 0],
      [0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 1, 1, 1],
    ]);
    expect(e.benign).toBe(4);
    expect(e.malicious).toBe(5); // the missing sample counts as not detected
    expect(e.falseQuarantined).toBe(1);
    expect(e.falseQuarantineRate).toBe(0.25);
    expect(e.detected).toBe(3);
    expect(e.detectionRate).toBe(0.6);
    expect(e.benignRisky).toBe(1);
    expect(e.benignRiskyShare).toBe(0.25);
    expect(e.misclassified.map((o) => o.id)).toEqual(["benign/c", "malicious/g", "malicious/missing"]);
    expect(e.misclassified[1]!.top?.ruleId).toBe("r.x");
    expect(e.underLevel.map((o) => o.id)).toEqual(["malicious/f"]);
    expect(e.notFound.map((o) => o.id)).toEqual(["malicious/missing"]);
    expect(e.unlabelled).toEqual(["extra/u"]);

    expect(missedGates(e, {})).toEqual([]);
    expect(missedGates(e, { minDetection: 0.6, maxFalseQuarantine: 0.25 })).toEqual([]);
    const missed = missedGates(e, { minDetection: 1, maxFalseQuarantine: 0 });
    expect(missed).toHaveLength(2);
    expect(missed[0]).toMatch(/detection rate is 60\.0% \(3\/5\)/);
    expect(missed[1]).toMatch(/false-quarantine rate is 25\.0% \(1\/4\)/);
    expect(missedGates(e, { maxRisky: 0.25 })).toEqual([]);
    expect(missedGates(e, { maxRisky: 0.2 })).toEqual([
      "--max-risky 20.0%: benign RISKY share is 25.0% (1/4)",
    ]);

    const table = renderMatrix(e).split("\n");
    expect(table[0]).toMatch(
      /expected \\ found\s+none\s+LOW_QUALITY\s+RISKY\s+SUSPICIOUS\s+MALICIOUS\s+not found\s+total/,
    );
    expect(table[5]).toMatch(/^\s*MALICIOUS\s+0\s+0\s+1\s+1\s+1\s+1\s+4$/);
  });

  it("a gate with nothing to measure is missed, and rates print as percentages", () => {
    const e = evaluate(new Map(), new Map());
    expect(Number.isNaN(e.detectionRate)).toBe(true);
    expect(missedGates(e, { minDetection: 0 })).toEqual([
      "--min-detection: no malicious samples to measure detection on",
    ]);
    expect(pct(0)).toBe("0%");
    expect(pct(1)).toBe("100%");
    expect(pct(2 / 3)).toBe("66.7%");
    expect(pct(Number.NaN)).toBe("n/a");
  });
});
