import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import type Tinypool from "tinypool";
import type {
  DiscoveredSkill,
  FileSet,
  RuleSet,
  ScanOptions,
  ScriptLanguage,
  SkillReport,
  SkillScanner,
} from "../scan/index.js";
import { MAX_SCRIPT_CHARS, scanOneSkill, scriptLanguage } from "../scan/index.js";
import { LocalFileSet } from "../sources/local.js";
import { createLazyScriptAnalyzer, type LazyScriptAnalyzer } from "./grammars.js";
import { ruleSetToJson } from "./rule-set-data.js";

// Where the skills of a multi-skill scan (CLI `scan`, the Action, the benchmark) are scanned: in this
// thread, or in a pool of worker threads (tinypool) when there is enough to scan to pay for starting
// it. Either way every skill's report is computed by scanOneSkill with the same rules and grammars,
// and the core yields them in discovery order, so the output is the same byte for byte.

/**
 * Below this many bytes of skill files the pool is not started. Starting two workers and loading the
 * scanner in them took ~1–1.4 s on the loaded 2-core machine (60 small skills: 63 ms in one warm
 * thread, 1.4 s through the pool), and one thread scans whole skills at ~0.5–4 MB/s there: the pool
 * pays for itself from about 2 MB. Bytes rather than skills: 60 tiny skills are less work than one
 * large one.
 */
export const MIN_BYTES_FOR_POOL = 2 * 1000 * 1000;

/**
 * Skills in flight in this thread when scripts are analysed: one being scanned, the others ready to
 * be scanned while a skill before them waits for its grammar (reports still come out in order).
 */
const SKILLS_AHEAD_OF_GRAMMARS = 4;

/** Skills in flight per worker: one being scanned, one waiting, so a worker never idles on the main thread. */
const IN_FLIGHT_PER_WORKER = 2;

/**
 * A worker's young generation, in MB: V8's default for 64-bit (3 × 16 MB semi-spaces), given
 * explicitly because a worker otherwise takes the process's flags, and the CLI's launcher shrinks the
 * listing thread's young generation (bin/skill-quarantine.js): the workers allocate nearly everything.
 */
const WORKER_YOUNG_GENERATION_MB = 48;

export interface WorkerSetup {
  /** The rule set as src/node/rule-set-data.ts writes it. */
  rules: string;
  scripts: boolean;
}

export interface SkillTask {
  /** The scanned folder on disk (LocalFileSet.root of the caller). */
  root: string;
  skill: DiscoveredSkill;
  opts: Omit<
    ScanOptions,
    "ruleSet" | "scriptAnalyzer" | "runner" | "onProgress" | "onUnscanned" | "baselineOf"
  >;
  /** Baseline reports (id → report) this skill can match; undefined when the scan has no baseline. */
  baseline?: [string, SkillReport][];
}

export interface RunnerOptions {
  /** Worker threads; 1 scans in this thread. Default: os.availableParallelism(). */
  workers?: number;
  /** The rule set every skill is scanned with (sent to the workers as data). */
  ruleSet: RuleSet;
  /** Tree-sitter script analysis (grammars loaded when a skill first needs one). Default true. */
  scripts?: boolean;
  /**
   * The earlier reports by skill id (the Action's baseline): a worker gets the ones its skill can
   * match. A scan with some other `baselineOf` function stays in this thread.
   */
  baseline?: Map<string, SkillReport>;
  /** Bytes of skill files (as listed) needed before the pool starts. Default MIN_BYTES_FOR_POOL. */
  minBytesForPool?: number;
}

export interface SkillRunner {
  /** For ScanOptions.runner. */
  runner: (skills: DiscoveredSkill[]) => SkillScanner;
  /** Stops the workers (if started). */
  close(): Promise<void>;
  /** Workers started so far (0 when every scan stayed in this thread). */
  readonly threads: number;
}

/** `--workers` / the `workers` input: a whole number ≥ 1, or empty for the default. */
export function parseWorkers(raw: string | undefined, name: string): number | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256)
    throw new Error(`${name} must be a whole number from 1 to 256 (got "${raw}"); 1 scans in one thread`);
  return Number(v);
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Scans a skill with grammars loaded on demand: a scan that asked for a grammar not loaded yet is
 * thrown away, the grammar loaded and the skill scanned again. Each language costs one extra scan of
 * one skill per thread; a repository without scripts loads none.
 */
export async function scanWithGrammars(
  fs: FileSet,
  skill: DiscoveredSkill,
  opts: ScanOptions,
  lazy: LazyScriptAnalyzer | undefined,
): Promise<SkillReport> {
  for (;;) {
    const report = await scanOneSkill(fs, skill, { ...opts, scriptAnalyzer: lazy?.analyzer });
    const missing = lazy?.takeMissing() ?? [];
    if (missing.length === 0) return report;
    await lazy!.load(missing);
  }
}

/** Options a worker can receive: data only, without what the runner sends separately. */
function taskOptions(opts: ScanOptions): SkillTask["opts"] {
  const {
    ruleSet: _r,
    scriptAnalyzer: _s,
    runner: _n,
    onProgress: _p,
    onUnscanned: _u,
    baselineOf: _b,
    shard: _h,
    ...rest
  } = opts as ScanOptions & { baseline?: unknown };
  delete (rest as { baseline?: unknown }).baseline;
  return rest;
}

/**
 * The baseline reports a skill in `dir` can be matched with. Its id is its folder (with the
 * namespace), or the root's name for the root skill: a report of another folder cannot share it
 * unless one of the two is the root skill, so those are sent too and the lookup stays exact.
 */
function baselineFor(baseline: Map<string, SkillReport>, dir: string): [string, SkillReport][] {
  return [...baseline].filter(([, r]) => dir === "." || r.path === dir || r.path === ".");
}

function workerFile(): string {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return fileURLToPath(new URL("./scan-worker.js", here));
  // From the TypeScript sources (tests, tsx) the worker is imported through tsx inside the thread:
  // loader hooks do not reach workers. tinypool imports a data: URL as it is.
  const api = pathToFileURL(
    createRequire(here)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const code = `const { tsImport } = await import(${JSON.stringify(api)});
const m = await tsImport(${JSON.stringify(new URL("./scan-worker.ts", here).href)}, ${JSON.stringify(here)});
export default m.default;`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

export function createSkillRunner(options: RunnerOptions): SkillRunner {
  const workers = options.workers ?? defaultWorkers();
  const scripts = options.scripts ?? true;
  const minBytes = options.minBytesForPool ?? MIN_BYTES_FOR_POOL;
  let lazy: LazyScriptAnalyzer | undefined;
  let pool: Promise<Tinypool> | undefined;
  let threads = 0;
  // One scan at a time in this thread, also when the pool hands one back: the languages a scan
  // missed must be that scan's own. A skill waiting for a grammar to load gives its turn up, so the
  // next skills are scanned while the grammar compiles; it is then scanned again with it.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const mine = turn.then(fn);
    turn = mine.catch(() => {});
    return mine;
  };
  const inThread: SkillScanner = {
    concurrency: scripts ? SKILLS_AHEAD_OF_GRAMMARS : 1,
    async scan(skill, fs, opts) {
      if (!scripts) return inTurn(() => scanWithGrammars(fs, skill, opts, undefined));
      lazy ??= createLazyScriptAnalyzer();
      const grammars = lazy;
      for (;;) {
        const { report, missing } = await inTurn(async () => {
          const report = await scanOneSkill(fs, skill, { ...opts, scriptAnalyzer: grammars.analyzer });
          return { report, missing: grammars.takeMissing() };
        });
        if (missing.length === 0) return report;
        await grammars.load(missing);
      }
    },
  };
  const startPool = async (): Promise<Tinypool> => {
    const { default: Pool } = await import("tinypool");
    const setup: WorkerSetup = { rules: ruleSetToJson(options.ruleSet), scripts };
    threads = workers;
    return new Pool({
      filename: workerFile(),
      minThreads: workers,
      maxThreads: workers,
      workerData: setup,
      // A worker stays up for the whole scan; the process exits when the scan is done.
      idleTimeout: 0,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
  };
  const pooled: SkillScanner = {
    concurrency: workers * IN_FLIGHT_PER_WORKER,
    async scan(skill, fs, opts) {
      // A worker reads the skill's files from disk itself; a name that is not UTF-8 is opened by bytes
      // only the listing thread knows, and a baselineOf function cannot be sent: those stay here.
      const local = fs instanceof LocalFileSet;
      const named = skill.entries.every((e) => !e.invalidName);
      const sendable = !opts.baselineOf || options.baseline !== undefined;
      if (!local || !named || !sendable) return inThread.scan(skill, fs, opts);
      pool ??= startPool();
      const task: SkillTask = {
        root: fs.root,
        skill,
        opts: taskOptions(opts),
        baseline: options.baseline && opts.baselineOf ? baselineFor(options.baseline, skill.dir) : undefined,
      };
      return (await pool).run(task) as Promise<SkillReport>;
    },
  };
  /**
   * Starts loading the grammars of the script files listed, so that they compile (off this thread,
   * as WebAssembly does) while the first skills are scanned. Only languages whose files are present;
   * a scan that needs a grammar not ready yet still waits for it and scans again.
   */
  const prefetch = (skills: DiscoveredSkill[]): SkillScanner => {
    if (!scripts) return inThread;
    const langs = new Set<ScriptLanguage>();
    for (const s of skills)
      for (const e of s.entries) {
        const lang = e.kind === "file" && e.size <= MAX_SCRIPT_CHARS ? scriptLanguage(e.path) : undefined;
        if (lang) langs.add(lang);
      }
    if (langs.size) {
      lazy ??= createLazyScriptAnalyzer();
      // A failure here is retried, and reported, by the scan that needs the grammar.
      lazy.load([...langs]).catch(() => {});
    }
    return inThread;
  };
  return {
    runner: (skills) => {
      if (workers <= 1) return prefetch(skills);
      let bytes = 0;
      for (const s of skills) for (const e of s.entries) if (e.kind === "file") bytes += e.size;
      return bytes >= minBytes ? pooled : prefetch(skills);
    },
    async close() {
      const p = pool;
      pool = undefined;
      if (p) await (await p).destroy();
    },
    get threads() {
      return threads;
    },
  };
}
