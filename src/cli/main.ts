import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { acceptedDecisions, acceptedNotes, acceptedUse, readAcceptedFile } from "../node/accepted.js";
import {
  DEFAULT_FAIL_ON,
  effectiveFailOn,
  failThreshold,
  loadConfigFile,
  NEVER_FAIL,
} from "../node/config-file.js";
import { loadRuleSet } from "../node/load.js";
import { scanPath } from "../node/scan-path.js";
import { createSkillRunner, parseWorkers } from "../node/skill-runner.js";
import { renderReport } from "../report/render.js";
import { renderText } from "../report/text.js";
import type { ScanResult } from "../scan/index.js";
import {
  ALL_CHECKS,
  configFileSchema,
  LEVEL_NAMES,
  mergeResults,
  type ScanConfig,
  type ScanOptions,
  VERSION,
} from "../scan/index.js";
import { registerAppeals } from "./appeals.js";

/** Exit codes: 0 ok, 1 a skill is at or above --fail-on, 2 usage or I/O error. */
class UsageError extends Error {}

const FORMATS = ["text", "json", "sarif", "markdown"] as const;

function parseFailOn(v: string): number {
  const n = failThreshold(v);
  if (n === undefined) throw new InvalidArgumentError(`must be one of ${LEVEL_NAMES.join(", ")}`);
  return n;
}

function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new InvalidArgumentError("must be i/n with 1 ≤ i ≤ n, e.g. 2/8");
  return { index: index - 1, count };
}

// --allow-domain goes through the config file's own domain check: a flag is no looser than the file.
const domainList = configFileSchema.shape["allowed-domains"].unwrap();

function collectDomains(v: string, prev: string[]): string[] {
  const values = collect(v, []);
  const r = domainList.safeParse(values);
  if (!r.success) {
    const bad = r.error.issues.map((i) => `"${values[Number(i.path[0])]}" ${i.message}`);
    throw new InvalidArgumentError(bad.join("; "));
  }
  return [...prev, ...r.data];
}

function parseWorkersOption(v: string): number {
  try {
    const n = parseWorkers(v, "--workers");
    if (n === undefined) throw new Error("--workers must be a whole number from 1 to 256");
    return n;
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^--workers /, ""));
  }
}

/** --fail-on; without it the config's `fail-on`, else SUSPICIOUS (resolved once the config is read). */
const failOnOption = (description: string) =>
  new Option(
    "--fail-on <level>",
    `${description} (default: the config's fail-on, else SUSPICIOUS)`,
  ).argParser(parseFailOn);

const collect = (v: string, prev: string[]) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";
}

interface ScanFlags {
  format: (typeof FORMATS)[number];
  failOn?: number;
  config?: string;
  accepted?: string;
  allowDomain: string[];
  quiet?: boolean;
  rules: string[];
  shard?: { index: number; count: number };
  scripts: boolean;
  publisher?: string;
  workers?: number;
}

// The publisher is the operator's word (who the skills come from), compared with the operator's own
// `trust.verified-publishers`; a login, as GitHub spells owners and organisations.
function parsePublisher(v: string): string {
  const s = v.trim().replace(/^@/, "");
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(s))
    throw new InvalidArgumentError("must be a GitHub owner or organisation login such as acme");
  return s;
}

/** A folder of extra rules that is missing or empty is a typo, not "no extra rules". */
async function checkRuleDirs(dirs: string[]): Promise<void> {
  for (const d of dirs) {
    const st = await stat(d).catch(() => undefined);
    if (!st?.isDirectory())
      throw new UsageError(`--rules ${d}: no such folder; give a folder holding rule .yml files`);
  }
}

/**
 * A path named on the command line must hold a skill: a typo'd folder or a stray file that "scans
 * nothing" would pass CI. A file other than SKILL.md is refused before scanning.
 */
async function checkExplicitPath(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isFile() && basename(path) !== "SKILL.md")
    throw new UsageError(`${path} is a file, not a SKILL.md; give a skill's folder or its SKILL.md`);
}

/** The scan's result and the fail-on in effect (the flag, else the config's). */
async function runScan(
  paths: string[],
  flags: ScanFlags,
  extra: Pick<ScanOptions, "baselineOf"> = {},
): Promise<ScanResult & { failOn: number }> {
  const targets = paths.length ? paths : ["."];
  for (const t of paths) await checkExplicitPath(t);
  await checkRuleDirs(flags.rules);
  const ruleSet = await loadRuleSet(flags.rules);
  const config = await loadConfigFile(flags.config, targets[0]!, (line) =>
    process.stderr.write(`skill-quarantine: ${line}\n`),
  );
  config.allowedDomains.push(...flags.allowDomain);
  // The user's own accepted-findings file only: one found in a checkout is the scanned content's.
  const accepted = flags.accepted ? await readAcceptedFile(flags.accepted) : [];
  const decisions = acceptedDecisions(accepted, flags.accepted ?? "", { namespace: config.namespace });
  // Grammars load when a skill first needs one; many skills go to a worker pool (--workers).
  const runner = createSkillRunner({ ruleSet, scripts: flags.scripts, workers: flags.workers });
  try {
    const result = await scanTargets(paths, targets, flags, extra, {
      ruleSet,
      config,
      runner: runner.runner,
      decisions,
    });
    if (flags.accepted)
      for (const line of acceptedNotes(
        acceptedUse(accepted, result, { namespace: config.namespace }),
        flags.accepted,
      ))
        process.stderr.write(`skill-quarantine: ${line}\n`);
    return { ...result, failOn: effectiveFailOn(flags.failOn, config) };
  } finally {
    await runner.close();
  }
}

async function scanTargets(
  paths: string[],
  targets: string[],
  flags: ScanFlags,
  extra: Pick<ScanOptions, "baselineOf">,
  setup: Pick<ScanOptions, "ruleSet" | "runner" | "decisions"> & { config: ScanConfig },
): Promise<ScanResult> {
  const { ruleSet, config, runner, decisions } = setup;
  const showProgress = Boolean(process.stderr.isTTY) && !flags.quiet;
  const results: ScanResult[] = [];
  for (const t of targets) {
    // Skills found before sharding: a shard may rightly hold none of a folder's skills.
    let found = 0;
    results.push(
      await scanPath(t, {
        ruleSet,
        config,
        runner,
        shard: flags.shard,
        publisher: flags.publisher,
        decisions,
        ...extra,
        onProgress: (done, total) => {
          found = total;
          if (showProgress && total >= 20)
            process.stderr.write(`\rscanning ${done}/${total} skills${done === total ? "\n" : ""}`);
        },
      }),
    );
    // A narrowing config (the user's own exclude/paths) may leave nothing on purpose; a typo'd path may not.
    if (paths.length && found === 0 && config.exclude.length === 0 && config.paths.length === 0)
      throw new UsageError(`no SKILL.md found in ${t}; give a folder that holds skills (is the path right?)`);
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
    // Usage errors are one line, like every other error (the README promises it); --help has the rest.
    .configureOutput({
      outputError: (str, write) =>
        write(`skill-quarantine: ${str.replace(/^error: /, "").trim()} (see --help)\n`),
    });

  program
    .command("scan")
    .description("scan every skill below the given paths (default: the current folder)")
    .argument("[paths...]", "folders (or SKILL.md files) to scan")
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("text"))
    .addOption(failOnOption("exit 1 when a skill is at or above this level (none never fails)"))
    .option(
      "-c, --config <file>",
      "your config file (default: .github/skill-quarantine.yml under the first path, taken as the scanned repository's: only what adds strictness)",
    )
    .option(
      "--allow-domain <domain>",
      "add a host to the allowlist (repeatable, or comma-separated)",
      collectDomains,
      [],
    )
    .option(
      "--accepted <file>",
      "your accepted-findings file (entries bound to a skill's content hash; see README); never read automatically",
    )
    .option("--rules <dir>", "load extra rule files from this folder (repeatable)", collect, [])
    .option("--shard <i/n>", "scan only shard i of n (stable by skill id)", parseShard)
    .option(
      "--publisher <owner>",
      "who publishes these skills (owner or organisation): verified publisher when your config's trust.verified-publishers lists it",
      parsePublisher,
    )
    .option("--no-scripts", "skip syntax-tree analysis of scripts (text rules still run)")
    .option(
      "--workers <n>",
      "worker threads for many skills (default: the number of cores; 1 scans in one thread)",
      parseWorkersOption,
    )
    .option("-q, --quiet", "only the summary lines, no finding details")
    .action(async (paths: string[], flags: ScanFlags) => {
      const { failOn, ...result } = await runScan(paths, flags);
      output(result, flags);
      if (result.skills.some((s) => s.level >= failOn)) process.exitCode = 1;
    });

  program
    .command("info")
    .description("print the JSON report of one skill, quarantineStatus first")
    .argument("<skill-path>", "the skill's folder or its SKILL.md")
    .action(async (path: string) => {
      const { failOn: _, ...result } = await runScan([path], {
        format: "json",
        failOn: NEVER_FAIL,
        allowDomain: [],
        rules: [],
        scripts: true,
      });
      // The folder itself is a skill: that one. Otherwise exactly one skill below it, or say which.
      const s =
        result.skills.find((k) => k.path === ".") ??
        (result.skills.length === 1 ? result.skills[0] : undefined);
      if (!s) {
        const MAX = 10;
        // Paths the user can pass back, not ids: an id is relative to the scanned root.
        const ids = result.skills
          .slice(0, MAX)
          .map((k) => (path === "." ? k.path : `${path.replace(/\/+$/, "")}/${k.path}`));
        const more = result.skills.length > MAX ? ` and ${result.skills.length - MAX} more` : "";
        throw new UsageError(
          `${path} holds ${result.skills.length} skills; give one of them: ${ids.join(", ")}${more}`,
        );
      }
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
    .addOption(failOnOption("exit 1 when the new version is at or above this level"))
    .action(async (oldPath: string, newPath: string, flags: ScanFlags) => {
      const base = { ...flags, allowDomain: [], rules: [], scripts: true };
      const before = await runScan([oldPath], base);
      // Two folders give two namespaces, so the versions are matched by the skill's name.
      const byName = new Map(before.skills.map((s) => [s.name, s]));
      const { failOn, ...result } = await runScan([newPath], base, {
        baselineOf: (_id, name) => byName.get(name),
      });
      output(result, flags);
      if (result.skills.some((s) => s.level >= failOn)) process.exitCode = 1;
    });

  program
    .command("merge")
    .description("merge JSON reports (e.g. from --shard runs) into one")
    .argument("<reports...>", "JSON report files written by `scan --format json`")
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("json"))
    .addOption(failOnOption("exit 1 when a skill is at or above this level"))
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
      if (result.skills.some((s) => s.level >= (flags.failOn ?? DEFAULT_FAIL_ON))) process.exitCode = 1;
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
