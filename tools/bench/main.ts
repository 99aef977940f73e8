// Why one file of ~530 lines: the benchmark's modes (corpus, scale, adversarial, memory) share one
// argument parser, one child-process runner and one report; generate.ts, measure.ts and stats.ts
// hold what they do not share.

// npm run bench -- <dir> [--rounds N] [--scale K] [--adversarial] [--memory] [--rules <dir>] [--no-scripts]
// Prints medians over the rounds: skills/s, MB/s, per-skill p50/p95, peak RSS, and the floor (the same
// files only read through the same LocalFileSet and UTF-8-decoded) with the ratio scan / floor.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { loadRuleSet } from "../../src/node/load.js";
import { loadScriptAnalyzer } from "../../src/node/script-analyzer.js";
import { parseFolderArgs, runScript, UsageError } from "../../src/node/script-cli.js";
import { defaultWorkers, MIN_BYTES_FOR_POOL } from "../../src/node/skill-runner.js";
import {
  ALL_CHECKS,
  defaultConfig,
  fileKind,
  isScriptKind,
  type ScanConfig,
  STAGE_LABELS,
  STAGES,
} from "../../src/scan/index.js";
import { LocalFileSet } from "../../src/sources/local.js";
import type { ChildResult } from "./child.js";
import {
  frontmatterAnchors,
  frontmatterUnclosed,
  hostileLine,
  liveTemps,
  nestedBrackets,
  RECHECK_CACHE,
  removeDir,
  replicate,
  ruleAttacks,
  ruleAttackTree,
  singleFileSkill,
  syntheticTree,
  tempDir,
  tinyFiles,
  writeFiles,
} from "./generate.js";
import {
  type FloorRun,
  type Measured,
  measure,
  type ScanRun,
  type ScanSetup,
  timeFloor,
  timeScan,
} from "./measure.js";
import { loadPeer, PEER_PACKAGE } from "./peer.js";
import { fmtBytes, fmtMs, fmtNum, MB, MiB, median, table } from "./stats.js";

const USAGE = `usage: npm run bench -- <dir> [options]
  --rounds N       measured rounds (default 5; one extra warm-up round is not counted)
  --scale K        also scan the corpus replicated K times (temp dir) and report the time ratio vs K=1
  --adversarial    also scan generated hostile inputs (and the 5,000-skill memory check)
  --memory         only add the 5,000-skill peak-RSS check (child processes)
  --budget S       adversarial: seconds allowed per case and size before its child process is killed (default 120)
  --rules <dir>    load extra rule files too (repeatable)
  --no-scripts     run without tree-sitter script analysis
  --peer           time Skillsmith's SecurityScanner (@skillsmith/core, installed in tools/bench/peer) on
                   the same folder in the same rounds and print the ratio (the default when it is
                   installed; with --peer a missing install is an error)
  --no-peer        leave the peer out
  --workers 1,2    the worker counts of the scaling rows (default 1 and the number of cores, at least 2):
                   cold (a new process per scan, as the CLI runs) and warm (one pool kept up)
  --no-workers     leave the scaling rows out`;

interface Args {
  dir: string;
  rounds: number;
  scale?: number;
  adversarial: boolean;
  memory: boolean;
  rules: string[];
  scripts: boolean;
  /** "auto": when it is installed. */
  peer: boolean | "auto";
  /** Worker counts for the scaling rows (--workers 1,2); empty: none. */
  workers?: number[];
  /** Adversarial: time allowed for one case at one size (all its rounds) before the child is killed. */
  budgetMs: number;
}

function positiveInt(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}`);
  return Number(v);
}

export function parseBenchArgs(argv: string[]): Args {
  const options = {
    rounds: { type: "string" },
    scale: { type: "string" },
    adversarial: { type: "boolean", default: false },
    memory: { type: "boolean", default: false },
    rules: { type: "string", multiple: true, default: [] as string[] },
    budget: { type: "string" },
    "no-scripts": { type: "boolean", default: false },
    peer: { type: "boolean", default: false },
    "no-peer": { type: "boolean", default: false },
    workers: { type: "string" },
    "no-workers": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  } as const;
  const { values, dir } = parseFolderArgs(argv, options, USAGE, "folder of skills to benchmark");
  return {
    dir,
    rounds: positiveInt("rounds", values.rounds, 1) ?? 5,
    scale: positiveInt("scale", values.scale, 2),
    adversarial: values.adversarial,
    memory: values.memory,
    rules: values.rules,
    scripts: !values["no-scripts"],
    peer: values["no-peer"] ? false : values.peer || "auto",
    budgetMs: (positiveInt("budget", values.budget, 1) ?? 120) * 1000,
    workers: values["no-workers"]
      ? []
      : (values.workers?.split(",").map((w) => positiveInt("workers", w.trim(), 1)!) ?? [
          1,
          Math.max(2, availableParallelism()),
        ]),
  };
}

const log = (s = "") => process.stdout.write(`${s}\n`);
const note = (s: string) => process.stderr.write(`… ${s}\n`);

const mbOf = (m: Measured) => m.bytes / MB;
const rssMb = () => process.resourceUsage().maxRSS / 1024;

async function countFiles(dir: string, maxDepth: number): Promise<{ files: number; scripts: number }> {
  let files = 0;
  let scripts = 0;
  for await (const e of new LocalFileSet(dir, { maxDepth }).list()) {
    if (e.kind !== "file") continue;
    files++;
    if (isScriptKind(fileKind(e.path))) scripts++;
  }
  return { files, scripts };
}

function verdict(ok: boolean): string {
  return ok ? "met" : "MISSED";
}

async function benchCorpus(args: Args, setup: ScanSetup): Promise<Measured> {
  const peer =
    args.peer === true
      ? await loadPeer()
      : args.peer === "auto"
        ? await loadPeer().catch((err: unknown) => {
            log(
              `peer: not measured — ${err instanceof Error ? err.message.replace(/^--peer: /, "") : String(err)}`,
            );
            return undefined;
          })
        : undefined;
  note(
    `scanning ${args.dir}: 1 warm-up + ${args.rounds} rounds${peer ? ` (each followed by the peer, ${PEER_PACKAGE}@${peer.version})` : ""}, then 1 profiled round`,
  );
  const m = await measure(args.dir, setup, args.rounds, 1, { peer, profile: true });
  const floorMbps = median(m.floors.map((f) => f.bytes / MB / (f.ms / 1000)));
  log(
    `corpus: ${m.skills} skills, ${m.files} files, ${fmtBytes(m.bytes)} read; medians of ${args.rounds} rounds`,
  );
  log(
    table([
      ["", "time", "skills/s", "MB/s", "per-skill p50", "p95"],
      ["scan", fmtMs(m.scanMs), fmtNum(m.skillsPerS, 0), fmtNum(m.mbps), fmtMs(m.p50), fmtMs(m.p95)],
      ["floor (list + read + UTF-8 decode)", fmtMs(m.floorMs), "", fmtNum(floorMbps), "", ""],
      ...(peer && m.peers.length
        ? [
            [
              `peer: ${PEER_PACKAGE}@${peer.version} SecurityScanner`,
              fmtMs(median(m.peers.map((p) => p.ms))),
              fmtNum(median(m.peers.map((p) => p.skills / (p.ms / 1000))), 0),
              fmtNum(median(m.peers.map((p) => m.bytes / MB / (p.ms / 1000)))),
              "",
              "",
            ],
          ]
        : []),
    ]),
  );
  const spread = m.scans.map((s) => s.ms);
  log(
    `  scan / floor: ${m.ratio.toFixed(1)}× (median of per-round ratios); scan rounds ${fmtMs(Math.min(...spread))}–${fmtMs(Math.max(...spread))}; discovery ${fmtMs(median(m.scans.map((s) => s.discoveryMs)))}`,
  );
  // The slowest skills, by median time over the rounds: where a profile should look first.
  const bySkill = new Map<string, { ms: number[]; bytes: number }>();
  for (const s of m.scans)
    for (const k of s.bySkill) {
      const e = bySkill.get(k.path) ?? { ms: [], bytes: k.bytes };
      e.ms.push(k.ms);
      bySkill.set(k.path, e);
    }
  const slow = [...bySkill.entries()]
    .map(([path, e]) => ({ path, ms: median(e.ms), bytes: e.bytes }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3);
  log(
    `  slowest skills: ${slow.map((s) => `${s.path} ${fmtMs(s.ms)} (${fmtBytes(s.bytes)}, ${fmtNum(s.bytes / MB / (s.ms / 1000))} MB/s)`).join("; ")}`,
  );
  log(`  peak RSS: ${rssMb().toFixed(0)} MB (this process, maxRSS, rule loading included)`);
  if (m.peerRatio !== undefined) {
    const p = m.peers[m.peers.length - 1]!;
    log(
      `  us / peer: ${m.peerRatio.toFixed(1)}× its speed (median of per-round time ratios peer / us; both MB/s over the ${fmtBytes(m.bytes)} our scan read); the peer read ${p.files} files of ${p.skills} skills, ${p.findings} findings`,
    );
  }
  if (m.profiled?.stages) printStages(m.profiled);
  log(
    `  targets: ≥ 60 MB/s — ${fmtNum(m.mbps)} MB/s ${verdict(m.mbps >= 60)}; scan ≤ 10× floor — ${m.ratio.toFixed(1)}× ${verdict(m.ratio <= 10)}${m.peerRatio !== undefined ? `; ≥ 10× the peer — ${m.peerRatio.toFixed(1)}× ${verdict(m.peerRatio >= 10)}` : ""}`,
  );
  return m;
}

/** The profiled round's time by stage (exclusive: a stage inside another is not counted twice). */
function printStages(run: ScanRun): void {
  const stages = run.stages!;
  const inStages = STAGES.reduce((n, s) => n + stages[s], 0);
  const pct = (ms: number) => `${((100 * ms) / run.ms).toFixed(1)} %`;
  log(
    `  stage budget (one more round, with a stage clock; ${fmtMs(run.ms)} in all, exclusive times, largest first):`,
  );
  const rows = [...STAGES]
    .sort((a, b) => stages[b] - stages[a])
    .map((s) => [STAGE_LABELS[s], fmtMs(stages[s]), pct(stages[s])]);
  rows.push([
    "other (hashing, checks, glue, between stages)",
    fmtMs(run.ms - inStages),
    pct(run.ms - inStages),
  ]);
  log(table(rows, "    "));
}

async function benchScale(args: Args, setup: ScanSetup, k: number): Promise<void> {
  note(`replicating the corpus 1× and ${k}× into temp dirs`);
  const one = await replicate(args.dir, 1);
  const many = await replicate(args.dir, k);
  try {
    note(`scale: ${args.rounds} rounds of K=1 and K=${k}, interleaved`);
    const a: ScanRun[] = [];
    const b: ScanRun[] = [];
    const fa: FloorRun[] = [];
    const fb: FloorRun[] = [];
    for (let i = 0; i <= args.rounds; i++) {
      const sa = await timeScan(one, setup);
      const sb = await timeScan(many, setup);
      const ffa = await timeFloor(one, setup.config);
      const ffb = await timeFloor(many, setup.config);
      if (i === 0) continue; // warm-up
      a.push(sa);
      b.push(sb);
      fa.push(ffa);
      fb.push(ffb);
    }
    const ratio = median(b.map((s, i) => s.ms / a[i]!.ms));
    const row = (label: string, s: ScanRun[], f: FloorRun[]) => {
      const ms = median(s.map((x) => x.ms));
      return [
        label,
        `${s[0]!.skills} skills`,
        fmtBytes(s[0]!.bytes),
        fmtMs(ms),
        `${fmtNum(s[0]!.bytes / MB / (ms / 1000))} MB/s`,
        `floor ${fmtMs(median(f.map((x) => x.ms)))}`,
        `peak per-skill ${fmtMs(median(s.map((x) => Math.max(...x.perSkillMs))))}`,
      ];
    };
    log();
    log(
      `scale: corpus copied into copy-1 … copy-${k} under ${many} (removed after); medians of ${args.rounds} rounds`,
    );
    log(table([row("K=1", a, fa), row(`K=${k}`, b, fb)]));
    log(
      `  time ratio K=${k} / K=1: scan ${ratio.toFixed(2)} (median of per-round ratios; target ≤ ${k + 1}: ${verdict(ratio <= k + 1)}), floor ${median(fb.map((f, i) => f.ms / fa[i]!.ms)).toFixed(2)}`,
    );
  } finally {
    await removeDir(one);
    await removeDir(many);
  }
}

interface CaseDef {
  label: string;
  /** Writes the case at a fraction of its full size (1 = full, 0.25 = quarter). */
  files(scale: number): Iterable<[string, string]>;
}

async function benchAdversarial(args: Args, setup: ScanSetup, corpus: Measured): Promise<void> {
  const config: ScanConfig = {
    ...setup.config,
    limits: { ...setup.config.limits, maxFileBytes: 16 * MiB, maxSkillBytes: 64 * MiB },
  };
  const rounds = Math.min(args.rounds, 3);
  const rules = setup.ruleSet.rules;
  note(
    rules.length
      ? `asking recheck for a worst case of each of ${rules.length} rules (cached in ${RECHECK_CACHE})`
      : "no YAML rules loaded",
  );
  const t0 = performance.now();
  const { attacks, cached, checked, unknown } = await ruleAttacks(rules);
  const recheckNote = `recheck: ${cached} verdicts from ${RECHECK_CACHE}, ${checked} checked now in ${fmtMs(performance.now() - t0)}; ${unknown} timed out (5 s) and got the generic string`;
  const cases: CaseDef[] = [
    {
      label: "10 MB single line (SKILL.md)",
      files: (f) => singleFileSkill("one-line-md", "SKILL.md", hostileLine(Math.round(10 * MB * f), rules)),
    },
    {
      label: "10 MB single line (script run.sh)",
      files: (f) => singleFileSkill("one-line-sh", "run.sh", hostileLine(Math.round(10 * MB * f), rules)),
    },
    {
      label: "4 MB frontmatter of YAML anchors + aliases",
      files: (f) => frontmatterAnchors(Math.round(4 * MB * f)),
    },
    {
      label: "4 MB frontmatter never closed",
      files: (f) => frontmatterUnclosed(Math.round(4 * MB * f)),
    },
    {
      label: "1 MB nested brackets + quotes (SKILL.md)",
      files: (f) =>
        singleFileSkill(
          "nested",
          "SKILL.md",
          `# Nested\n\nFetch https://cdn.unlisted-host.net/x first.\n\n${nestedBrackets(Math.round(1 * MB * f))}\n`,
        ),
    },
  ];
  if (attacks.length) {
    cases.push({
      label: `worst-case string per rule (${attacks.length} rules × 512 kB)`,
      files: (f) => ruleAttackTree(attacks, Math.round(512 * 1000 * f)),
    });
  }
  cases.push({
    label: "100,000 tiny files (1,000 skills)",
    files: (f) => tinyFiles(Math.round(1000 * f), Math.round(100_000 * f)),
  });

  const STEPS = [1 / 16, 1 / 4, 1] as const;
  const rows: string[][] = [
    [
      "case",
      "size",
      "files",
      "time",
      "MB/s",
      "ms/MB",
      "µs/file",
      "× floor",
      "time × per size ×4 (1/16 → ¼ → full; linear ≈ 4)",
    ],
    [
      `normal corpus (${args.dir})`,
      fmtBytes(corpus.bytes),
      String(corpus.files),
      fmtMs(corpus.scanMs),
      fmtNum(corpus.mbps),
      fmtNum(corpus.scanMs / mbOf(corpus)),
      fmtNum((corpus.scanMs * 1000) / corpus.files, 0),
      `${corpus.ratio.toFixed(1)}×`,
      "",
    ],
  ];
  const ruleDetail: string[] = [];
  const childArgs = (dir: string) => [
    dir,
    "measure",
    String(rounds),
    String(config.limits.maxFileBytes),
    String(config.limits.maxSkillBytes),
    ...args.rules,
  ];
  for (const c of cases) {
    const results: (Measured | undefined)[] = [];
    let stopped = "";
    for (const step of STEPS) {
      const dir = await tempDir("adv");
      try {
        note(`${c.label}: generating at ${step === 1 ? "full" : `1/${1 / step}`} size`);
        await writeFiles(dir, c.files(step));
        note(`${c.label}: ${rounds} rounds in a child process (budget ${fmtMs(args.budgetMs)})`);
        const r = await runChild(childArgs(dir), args.budgetMs);
        results.push(r.measured);
      } catch (err) {
        if (!(err instanceof ChildTimeout)) throw err;
        stopped = `${step === 1 ? "full" : `1/${1 / step}`} size: ${err.message}`;
        break;
      } finally {
        await removeDir(dir);
      }
    }
    const growth = results
      .slice(1)
      .map((m, i) => `×${(m!.scanMs / results[i]!.scanMs).toFixed(1)}`)
      .join(" → ");
    const m = results[results.length - 1];
    if (!m) {
      rows.push([c.label, "", "", "", "", "", "", "", `STOPPED at ${stopped}`]);
      continue;
    }
    const sizeNote = results.length < STEPS.length ? ` (at ${fmtBytes(m.bytes)}; ${stopped})` : "";
    rows.push([
      c.label,
      fmtBytes(m.bytes),
      m.files.toLocaleString("en-US"),
      fmtMs(m.scanMs),
      fmtNum(m.mbps),
      fmtNum(m.scanMs / mbOf(m)),
      fmtNum((m.scanMs * 1000) / m.files, 0),
      `${m.ratio.toFixed(1)}×`,
      `${growth || "–"}${sizeNote}`,
    ]);
    if (c.label.startsWith("worst-case string per rule") && results.length >= 2) {
      // Per rule: its skill's median time at the two largest sizes; the worst ms/MB and growth.
      const per = (runs: ScanRun[]) => {
        const map = new Map<string, { ms: number[]; bytes: number }>();
        for (const r of runs)
          for (const s of r.bySkill) {
            const e = map.get(s.path) ?? { ms: [], bytes: s.bytes };
            e.ms.push(s.ms);
            map.set(s.path, e);
          }
        return map;
      };
      const big = per(m.scans);
      const small = per(results[results.length - 2]!.scans);
      const stats = [...big.entries()].map(([path, e]) => {
        const ms = median(e.ms);
        const sms = median(small.get(path)?.ms ?? [Number.NaN]);
        const attack = attacks.find((a) => path.endsWith(`/${a.rule.id.replace(/[^a-z0-9]+/g, "-")}`));
        return {
          path,
          ms,
          bytes: e.bytes,
          msPerMb: ms / (e.bytes / MB),
          growth: ms / sms,
          source: attack?.source ?? "",
        };
      });
      const vulnerable = attacks.filter((a) => a.source === "recheck attack");
      ruleDetail.push(
        `  per rule: ${vulnerable.length} rules got recheck's attack string (reported ${[...new Set(vulnerable.map((a) => a.complexity))].join(" / ")}), ${attacks.length - vulnerable.length} the generic "keyword + pattern literals" string; ${recheckNote}`,
      );
      ruleDetail.push(
        "  the 5 rules with the highest ms/MB at the largest size (growth from the size before, linear ≈ 4):",
      );
      for (const s of [...stats].sort((a, b) => b.msPerMb - a.msPerMb).slice(0, 5))
        ruleDetail.push(
          `    ${s.path}: ${fmtMs(s.ms)} for ${fmtBytes(s.bytes)} (${fmtNum(s.msPerMb)} ms/MB), ×${s.growth.toFixed(1)} [${s.source}]`,
        );
      const worstGrowth = [...stats].sort((a, b) => b.growth - a.growth)[0];
      if (worstGrowth)
        ruleDetail.push(
          `  largest growth: ${worstGrowth.path} ×${worstGrowth.growth.toFixed(1)} (${fmtMs(worstGrowth.ms)} for ${fmtBytes(worstGrowth.bytes)}) [${worstGrowth.source}]`,
        );
    }
  }
  log();
  log(
    `adversarial: each case generated at 1/16, ¼ and full size and scanned in a child process of its own (${rounds} rounds, medians; killed after ${fmtMs(args.budgetMs)}, larger sizes then skipped)`,
  );
  log(
    "  limits: max-file-bytes 16 MiB, max-skill-bytes 64 MiB (the defaults, src/scan/limits.ts), so every case is scanned whole",
  );
  log(table(rows));
  for (const l of ruleDetail) log(l);
  if (!attacks.length)
    log("  worst-case string per rule: skipped, no YAML rules are loaded (rules/ holds none yet)");
}

function childScript(): { exec: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const script = self.replace(/main\.(ts|js)$/, (_m, ext: string) => `child.${ext}`);
  // Keep loaders (tsx) but not profiling or inspector flags.
  const execArgv = process.execArgv.filter((a) => !/^--(cpu-prof|heap-prof|inspect|prof)/.test(a));
  return { exec: process.execPath, args: [...execArgv, script] };
}

class ChildTimeout extends Error {}

/**
 * Runs child.js with `argv` (and `nodeFlags` before the script); kills it (by its own pid) and throws
 * ChildTimeout after `budgetMs`. `wallMs` is spawn to exit: what a user of the CLI waits.
 */
function runChild(
  argv: string[],
  budgetMs = 0,
  nodeFlags: string[] = [],
): Promise<ChildResult & { wallMs: number }> {
  const { exec, args } = childScript();
  return new Promise((resolveP, reject) => {
    const t0 = performance.now();
    const p = spawn(exec, [...nodeFlags, ...args, ...argv], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let timedOut = false;
    const timer =
      budgetMs > 0
        ? setTimeout(() => {
            timedOut = true;
            p.kill("SIGKILL");
          }, budgetMs)
        : undefined;
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      if (timedOut) return reject(new ChildTimeout(`no result within ${fmtMs(budgetMs)}`));
      if (code !== 0) return reject(new Error(`bench child exited ${code}`));
      try {
        resolveP({ ...(JSON.parse(out.trim().split("\n").pop() ?? "") as ChildResult), wallMs });
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** The flags the CLI's launcher runs node with, read from bin/skill-quarantine.js's shebang. */
const CLI_NODE_FLAGS = (() => {
  // tools/bench/main.ts, or lib-tools/tools/bench/main.js once built: the checkout is above either.
  const up = import.meta.url.includes("/lib-tools/") ? "../../../" : "../../";
  const bin = fileURLToPath(new URL(`${up}bin/skill-quarantine.js`, import.meta.url));
  const first = readFileSync(bin, "utf8").split("\n", 1)[0] ?? "";
  return first.split(/\s+/).filter((f) => f.startsWith("--"));
})();

/**
 * The scaling rows, two ways, each in child processes run with the CLI's node flags:
 * - cold: a new process per round that scans the folder once, as `scan` does (wall time from spawn
 *   to exit: start-up, rule loading, pool start-up and every thread's JIT warm-up included);
 * - warm: one process per worker count whose runner (and pool) stays up across the rounds after a
 *   warm-up round, as in a long-running scan (the App's worker, a registry's nightly run).
 * Cold rounds alternate the worker counts so that each round of both sees the same machine; the
 * speed-up is the median of the per-round ratios.
 */
async function benchWorkers(args: Args, counts: number[]): Promise<void> {
  const cold = new Map<number, { wall: number[]; rss: number[]; threads: number; bytes: number }>();
  for (let round = 0; round < args.rounds; round++)
    for (const w of counts) {
      note(`workers ${w}: cold round ${round + 1} of ${args.rounds} (a new process)`);
      const r = await runChild([args.dir, "pool", String(w), "0", ...args.rules], 0, CLI_NODE_FLAGS);
      const c = cold.get(w) ?? { wall: [], rss: [], threads: 0, bytes: 0 };
      c.wall.push(r.wallMs);
      c.rss.push(r.maxRss / MiB);
      c.threads = r.threads ?? 0;
      c.bytes = r.bytes;
      cold.set(w, c);
    }
  const warm = new Map<number, { ms: number; bytes: number; rss: number }>();
  for (const w of counts) {
    note(`workers ${w}: 1 warm-up + ${args.rounds} rounds in one process, one pool kept up`);
    const r = await runChild(
      [args.dir, "pool-warm", String(w), String(args.rounds), ...args.rules],
      0,
      CLI_NODE_FLAGS,
    );
    warm.set(w, { ms: median(r.roundsMs ?? [r.ms]), bytes: r.bytes, rss: r.maxRss / MiB });
  }
  const base = counts[0]!;
  const baseCold = cold.get(base)!;
  const rows: string[][] = [
    [
      "workers",
      "threads",
      "cold: time",
      "MB/s",
      "speed-up",
      "warm: time",
      "MB/s",
      "speed-up",
      "peak RSS (cold)",
      "per added worker",
    ],
  ];
  for (const w of counts) {
    const c = cold.get(w)!;
    const k = warm.get(w)!;
    const coldMs = median(c.wall);
    const ratios = c.wall.map((ms, i) => baseCold.wall[i]! / ms);
    const rss = median(c.rss);
    const baseRss = median(baseCold.rss);
    rows.push([
      String(w),
      String(c.threads),
      fmtMs(coldMs),
      fmtNum(c.bytes / MB / (coldMs / 1000)),
      `${median(ratios).toFixed(2)}×`,
      fmtMs(k.ms),
      fmtNum(k.bytes / MB / (k.ms / 1000)),
      `${(warm.get(base)!.ms / k.ms).toFixed(2)}×`,
      `${rss.toFixed(0)} MB`,
      w > base ? `${((rss - baseRss) / (w - base)).toFixed(0)} MB` : "",
    ]);
  }
  log();
  log(
    `scaling: the skill runner as the CLI uses it (pool from ${fmtBytes(MIN_BYTES_FOR_POOL)} of skill files; node ${CLI_NODE_FLAGS.join(" ")}); ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  log(
    `  cold = a new process per scan, as \`scan\` runs (median of ${args.rounds}, worker counts alternating); warm = one pool kept up across rounds (median of ${args.rounds} after a warm-up round)`,
  );
  log(table(rows));
}

async function benchMemory(args: Args): Promise<void> {
  const small = await tempDir("mem500");
  const big = await tempDir("mem5000");
  try {
    note("generating 500- and 5,000-skill trees");
    await writeFiles(small, syntheticTree(500));
    await writeFiles(big, syntheticTree(5000));
    const rows: string[][] = [
      ["run (own child process)", "skills", "MB read", "time", "peak RSS", "heap after"],
    ];
    const add = (label: string, r: ChildResult) =>
      rows.push([
        label,
        String(r.skills),
        (r.bytes / MB).toFixed(1),
        fmtMs(r.ms),
        `${(r.maxRss / MiB).toFixed(0)} MB`,
        `${(r.heapUsed / MiB).toFixed(0)} MB`,
      ]);
    note("memory: child processes");
    add("load rules + analyzer only", await runChild([small, "load", ...args.rules]));
    add("500 skills, streamed (reports dropped)", await runChild([small, "stream", ...args.rules]));
    const stream = await runChild([big, "stream", ...args.rules]);
    add("5,000 skills, streamed (reports dropped)", stream);
    const collect = await runChild([big, "collect", ...args.rules]);
    add("5,000 skills, collected (scanPath, as the CLI)", collect);
    const workers = defaultWorkers();
    // With the CLI's node flags, as `scan` runs (its launcher keeps the listing thread's young generation small).
    const pooled = await runChild(
      [big, "pool", String(Math.max(2, workers)), "0", ...args.rules],
      0,
      CLI_NODE_FLAGS,
    );
    add(`5,000 skills, through ${pooled.threads} worker threads (the CLI's node flags)`, pooled);
    log();
    log(
      "memory: synthetic skills (SKILL.md + reference.md + scripts/run.py, ~6 kB each), one child process per run",
    );
    log(table(rows));
    const worst = Math.max(stream.maxRss, collect.maxRss, pooled.maxRss) / MiB;
    log(`  target: 5,000 skills under 250 MB peak RSS — ${worst.toFixed(0)} MB ${verdict(worst < 250)}`);
  } finally {
    await removeDir(small);
    await removeDir(big);
  }
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const st = await stat(args.dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`${args.dir} is not a folder`);
  args.dir = resolve(args.dir);

  const t0 = performance.now();
  const ruleSet = await loadRuleSet(args.rules);
  const tRules = performance.now() - t0;
  const t1 = performance.now();
  const scriptAnalyzer = args.scripts ? await loadScriptAnalyzer() : undefined;
  const tScripts = performance.now() - t1;
  const setup: ScanSetup = { ruleSet, config: defaultConfig(), scriptAnalyzer };
  const counts = await countFiles(args.dir, setup.config.limits.maxDepth);

  log(
    `skill-quarantine bench — node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  log(
    `analyzers: text rules ${ruleSet.rules.length} (keyword prefilter, then regex), built-in checks ${ALL_CHECKS.length} (frontmatter/manifest, limits, binaries, hidden text, encoded payloads decoded and rescanned, URLs), Markdown context (markdown-it blocks, micromark inline, computed when a finding needs it), capabilities, verdict: on`,
  );
  log(
    `script syntax trees: ${
      scriptAnalyzer
        ? "on (tree-sitter)"
        : args.scripts
          ? "OFF — loadScriptAnalyzer() returned undefined (not available in this build)"
          : "off (--no-scripts)"
    }; the corpus holds ${counts.scripts} script file(s) of ${counts.files}`,
  );
  log(`one-time setup (not in the figures): rules ${fmtMs(tRules)}, script analyzer ${fmtMs(tScripts)}`);
  log();

  for (const sig of ["SIGINT", "SIGTERM"] as const)
    process.once(sig, () => {
      void Promise.all([...liveTemps].map(removeDir)).finally(() =>
        process.exit(sig === "SIGINT" ? 130 : 143),
      );
    });

  const corpus = await benchCorpus(args, setup);
  if (args.workers?.length) await benchWorkers(args, args.workers);
  if (args.scale) await benchScale(args, setup, args.scale);
  if (args.adversarial) await benchAdversarial(args, setup, corpus);
  if (args.adversarial || args.memory) await benchMemory(args);
}

runScript("bench", USAGE, main);
