import { readFile } from "node:fs/promises";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadConfigFile } from "../node/config-file.js";
import { loadRuleSet } from "../node/load.js";
import { scanPath } from "../node/scan-path.js";
import { loadScriptAnalyzer } from "../node/script-analyzer.js";
import { renderReport } from "../report/render.js";
import { renderText } from "../report/text.js";
import { ALL_CHECKS } from "../scan/all-checks.js";
import { allowedDomainProblem } from "../scan/config.js";
import { mergeResults, type ScanOptions, VERSION } from "../scan/index.js";
import { LEVEL_NAMES, parseLevel } from "../scan/levels.js";
import type { ScanResult } from "../scan/types.js";
import { registerAppeals } from "./appeals.js";

/** Exit codes: 0 ok, 1 a skill is at or above --fail-on, 2 usage or I/O error. */
class UsageError extends Error {}

const FORMATS = ["text", "json", "sarif", "markdown"] as const;

function parseFailOn(v: string): number {
  const n = parseLevel(v);
  if (n === undefined) throw new InvalidArgumentError(`must be one of ${LEVEL_NAMES.join(", ")}`);
  return n === 0 ? 5 : n;
}

function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new InvalidArgumentError("must be i/n with 1 ≤ i ≤ n, e.g. 2/8");
  return { index: index - 1, count };
}

const collect = (v: string, prev: string[]) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

/** --allow-domain goes through the same public-suffix check as the config file's allowed-domains. */
function collectDomains(v: string, prev: string[]): string[] {
  const all = collect(v, prev);
  for (const d of all.slice(prev.length)) {
    const problem = allowedDomainProblem(d);
    if (problem) throw new InvalidArgumentError(problem);
  }
  return all;
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";
}

interface ScanFlags {
  format: (typeof FORMATS)[number];
  failOn: number;
  config?: string;
  allowDomain: string[];
  quiet?: boolean;
  rules: string[];
  shard?: { index: number; count: number };
  scripts: boolean;
}

async function runScan(
  paths: string[],
  flags: ScanFlags,
  extra: Pick<ScanOptions, "baselineOf"> = {},
): Promise<ScanResult> {
  const targets = paths.length ? paths : ["."];
  const ruleSet = await loadRuleSet(flags.rules);
  const config = await loadConfigFile(flags.config, targets[0]!);
  config.allowedDomains.push(...flags.allowDomain.map((d) => d.toLowerCase()));
  const scriptAnalyzer = flags.scripts ? await loadScriptAnalyzer() : undefined;
  const showProgress = Boolean(process.stderr.isTTY) && !flags.quiet;
  const results: ScanResult[] = [];
  for (const t of targets) {
    results.push(
      await scanPath(t, {
        ruleSet,
        config,
        scriptAnalyzer,
        shard: flags.shard,
        ...extra,
        onProgress: showProgress
          ? (done, total) => {
              if (total >= 20)
                process.stderr.write(`\rscanning ${done}/${total} skills${done === total ? "\n" : ""}`);
            }
          : undefined,
      }),
    );
  }
  return results.length === 1 ? results[0]! : mergeResults(results, targets.join(" "));
}

function output(result: ScanResult, flags: Pick<ScanFlags, "format" | "quiet">): void {
  const text =
    flags.format === "text"
      ? renderText(result, { color: useColor(), quiet: flags.quiet })
      : renderReport(result, flags.format);
  process.stdout.write(text);
}

export function buildProgram(): Command {
  const program = new Command("skill-quarantine")
    .description("Scan agent skills (folders with a SKILL.md) and decide whether they must be quarantined.")
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  program
    .command("scan")
    .description("scan every skill below the given paths (default: the current folder)")
    .argument("[paths...]", "folders (or SKILL.md files) to scan")
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("text"))
    .option(
      "--fail-on <level>",
      "exit 1 when a skill is at or above this level (none never fails)",
      parseFailOn,
      3,
    )
    .option("-c, --config <file>", "config file (default: .github/skill-quarantine.yml when present)")
    .option(
      "--allow-domain <domain>",
      "add a host to the allowlist (repeatable, or comma-separated)",
      collectDomains,
      [],
    )
    .option("--rules <dir>", "load extra rule files from this folder (repeatable)", collect, [])
    .option("--shard <i/n>", "scan only shard i of n (stable by skill id)", parseShard)
    .option("--no-scripts", "skip syntax-tree analysis of scripts (text rules still run)")
    .option("-q, --quiet", "only the summary lines, no finding details")
    .action(async (paths: string[], flags: ScanFlags) => {
      const result = await runScan(paths, flags);
      output(result, flags);
      if (result.skills.some((s) => s.level >= flags.failOn)) process.exitCode = 1;
    });

  program
    .command("info")
    .description("print the JSON report of one skill, quarantineStatus first")
    .argument("<skill-path>", "the skill's folder or its SKILL.md")
    .action(async (path: string) => {
      const result = await runScan([path], {
        format: "json",
        failOn: 5,
        allowDomain: [],
        rules: [],
        scripts: true,
      });
      if (result.skills.length === 0) throw new UsageError(`no SKILL.md found in ${path}`);
      const s = result.skills.find((k) => k.path === ".") ?? result.skills[0]!;
      process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    });

  program
    .command("rules")
    .description("list the rules, or show one with its examples")
    .argument("[id]", "a rule id")
    .option("--rules <dir>", "also load rule files from this folder", collect, [])
    .action(async (id: string | undefined, flags: { rules: string[] }) => {
      const set = await loadRuleSet(flags.rules);
      if (!id) {
        for (const r of set.rules)
          process.stdout.write(`${r.id.padEnd(44)} ${r.level.padEnd(11)} ${r.title}\n`);
        for (const c of ALL_CHECKS)
          process.stdout.write(`${c.id.padEnd(44)} ${c.level.padEnd(11)} ${c.title} (built-in check)\n`);
        return;
      }
      const r = set.rules.find((x) => x.id === id);
      const c = ALL_CHECKS.find((x) => x.id === id);
      if (!r && !c)
        throw new UsageError(`no rule with id ${id}; run \`skill-quarantine rules\` to list them`);
      const {
        regex: _r,
        kinds,
        keywordsLower: _k,
        ...shown
      } = r ?? { ...c!, regex: 0, kinds: [], keywordsLower: 0 };
      process.stdout.write(
        `${JSON.stringify({ ...shown, appliesTo: r ? [...kinds] : undefined }, null, 2)}\n`,
      );
    });

  program
    .command("diff")
    .description("compare two versions of the same skill and report new risky behaviour (anomaly)")
    .argument("<old>", "the earlier version's folder")
    .argument("<new>", "the new version's folder")
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("text"))
    .option("--fail-on <level>", "exit 1 when the new version is at or above this level", parseFailOn, 3)
    .action(async (oldPath: string, newPath: string, flags: ScanFlags) => {
      const base = { ...flags, allowDomain: [], rules: [], scripts: true };
      const before = await runScan([oldPath], base);
      // Two folders give two namespaces, so the versions are matched by the skill's name.
      const byName = new Map(before.skills.map((s) => [s.name, s]));
      const result = await runScan([newPath], base, { baselineOf: (_id, name) => byName.get(name) });
      const skills = result.skills;
      output(result, flags);
      if (skills.some((s) => s.level >= flags.failOn)) process.exitCode = 1;
    });

  program
    .command("merge")
    .description("merge JSON reports (e.g. from --shard runs) into one")
    .argument("<reports...>", "JSON report files written by `scan --format json`")
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("json"))
    .option("--fail-on <level>", "exit 1 when a skill is at or above this level", parseFailOn, 3)
    .action(async (files: string[], flags: ScanFlags) => {
      const results: ScanResult[] = [];
      for (const f of files) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readFile(f, "utf8"));
        } catch (err) {
          throw new UsageError(`${f}: not a JSON report (${(err as Error).message})`);
        }
        if (!parsed || typeof parsed !== "object" || !Array.isArray((parsed as ScanResult).skills))
          throw new UsageError(`${f}: not a skill-quarantine JSON report (no "skills" array)`);
        results.push(parsed as ScanResult);
      }
      const result = mergeResults(results, files.join(" "));
      output(result, flags);
      if (result.skills.some((s) => s.level >= flags.failOn)) process.exitCode = 1;
    });

  registerAppeals(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every usage error exits 2 with commander's one-line message.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`skill-quarantine: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
