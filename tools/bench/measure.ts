import { basename, dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { FileEntry, FileSet, RuleSet, ScanConfig, ScriptAnalyzer, Stage } from "../../src/scan/index.js";
import { StageClock, scanSkills } from "../../src/scan/index.js";
import { LocalFileSet } from "../../src/sources/local.js";
import { type Peer, type PeerRun, timePeer } from "./peer.js";
import { MB, median, percentile } from "./stats.js";

export interface ScanSetup {
  ruleSet: RuleSet;
  config: ScanConfig;
  scriptAnalyzer?: ScriptAnalyzer;
}

export interface ScanRun {
  ms: number;
  /** Listing and discovery, before the first skill is analysed. */
  discoveryMs: number;
  skills: number;
  /** Files and bytes actually read by the scan. */
  files: number;
  bytes: number;
  findings: number;
  /** Time per skill: read + analyse + verdict, from one report to the next. */
  perSkillMs: number[];
  /** Per skill, keyed by its folder: time and bytes (for finding the slowest one). */
  bySkill: { path: string; ms: number; bytes: number }[];
  /** Exclusive time per stage (ScanOptions.profile), when the scan was profiled. */
  stages?: Record<Stage, number>;
}

export interface FloorRun {
  ms: number;
  files: number;
  bytes: number;
  /** Decoded characters (kept so the decode cannot be optimised away). */
  chars: number;
}

/** Wraps a FileSet to count what the scan reads and to mark when listing ended. */
class CountingFileSet implements FileSet {
  bytes = 0;
  files = 0;
  listedAt = 0;
  constructor(private readonly inner: FileSet) {}
  get label(): string {
    return this.inner.label;
  }
  async *list(): AsyncIterable<FileEntry> {
    yield* this.inner.list();
    this.listedAt = performance.now();
  }
  async read(path: string, maxBytes: number): Promise<Uint8Array> {
    const b = await this.inner.read(path, maxBytes);
    this.bytes += b.byteLength;
    this.files++;
    return b;
  }
}

/** One scan of a folder, exactly as `scanPath` sets it up, timed skill by skill. */
export async function timeScan(dir: string, setup: ScanSetup, profile = false): Promise<ScanRun> {
  const clock = profile ? new StageClock(() => performance.now()) : undefined;
  const root = resolve(dir);
  const fs = new CountingFileSet(new LocalFileSet(root, { maxDepth: setup.config.limits.maxDepth }));
  const perSkillMs: number[] = [];
  const bySkill: ScanRun["bySkill"] = [];
  let findings = 0;
  let lastBytes = 0;
  const t0 = performance.now();
  let last = 0;
  for await (const report of scanSkills(fs, {
    ruleSet: setup.ruleSet,
    config: setup.config,
    scriptAnalyzer: setup.scriptAnalyzer,
    rootName: basename(root),
    rootParentName: basename(dirname(root)),
    profile: clock,
  })) {
    const now = performance.now();
    // The first skill's interval starts when discovery ends, not when the scan started.
    const ms = now - (last || fs.listedAt || t0);
    perSkillMs.push(ms);
    bySkill.push({ path: report.path, ms, bytes: fs.bytes - lastBytes });
    lastBytes = fs.bytes;
    findings += report.findings.length;
    last = now;
  }
  const end = performance.now();
  return {
    ms: end - t0,
    discoveryMs: (fs.listedAt || end) - t0,
    skills: perSkillMs.length,
    files: fs.files,
    bytes: fs.bytes,
    findings,
    perSkillMs,
    bySkill,
    stages: clock ? { ...clock.ms } : undefined,
  };
}

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8", { fatal: false });

/**
 * The floor: the same files listed and read through the same LocalFileSet and UTF-8-decoded, and
 * nothing else. No scanner can be faster than this on the same machine.
 */
export async function timeFloor(dir: string, config: ScanConfig): Promise<FloorRun> {
  const fs = new LocalFileSet(resolve(dir), { maxDepth: config.limits.maxDepth });
  const t0 = performance.now();
  const files: FileEntry[] = [];
  for await (const e of fs.list()) if (e.kind === "file") files.push(e);
  let bytes = 0;
  let chars = 0;
  for (const e of files) {
    const raw = await fs.read(e.path, config.limits.maxFileBytes);
    bytes += raw.byteLength;
    let text: string;
    try {
      text = strict.decode(raw);
    } catch {
      text = lenient.decode(raw);
    }
    chars += text.length;
  }
  return { ms: performance.now() - t0, files: files.length, bytes, chars };
}

export interface Measured {
  scans: ScanRun[];
  floors: FloorRun[];
  scanMs: number;
  floorMs: number;
  /** Median over rounds of the per-round scan/floor ratio (pairs from the same round share the noise). */
  ratio: number;
  bytes: number;
  files: number;
  skills: number;
  mbps: number;
  skillsPerS: number;
  p50: number;
  p95: number;
  /** With a peer: its rounds, interleaved with ours, and the median of per-round time ratios peer / us. */
  peers: PeerRun[];
  peerRatio?: number;
  /** With `profile`: one more scan, with a stage clock (kept out of the timed rounds), and its time. */
  profiled?: ScanRun;
}

export interface MeasureExtras {
  peer?: Peer;
  profile?: boolean;
}

/** `rounds` measured rounds (after `warmup` uncounted ones), scan and floor alternating in order. */
export async function measure(
  dir: string,
  setup: ScanSetup,
  rounds: number,
  warmup = 1,
  extras: MeasureExtras = {},
): Promise<Measured> {
  const scans: ScanRun[] = [];
  const floors: FloorRun[] = [];
  const peers: PeerRun[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    let s: ScanRun;
    let f: FloorRun;
    if (i % 2 === 0) {
      s = await timeScan(dir, setup);
      f = await timeFloor(dir, setup.config);
    } else {
      f = await timeFloor(dir, setup.config);
      s = await timeScan(dir, setup);
    }
    const p = extras.peer ? await timePeer(dir, setup.config, extras.peer) : undefined;
    if (i >= warmup) {
      scans.push(s);
      floors.push(f);
      if (p) peers.push(p);
    }
  }
  const profiled = extras.profile ? await timeScan(dir, setup, true) : undefined;
  const last = scans[scans.length - 1]!;
  return {
    scans,
    floors,
    scanMs: median(scans.map((s) => s.ms)),
    floorMs: median(floors.map((f) => f.ms)),
    ratio: median(scans.map((s, i) => s.ms / floors[i]!.ms)),
    bytes: last.bytes,
    files: last.files,
    skills: last.skills,
    mbps: median(scans.map((s) => s.bytes / MB / (s.ms / 1000))),
    skillsPerS: median(scans.map((s) => s.skills / (s.ms / 1000))),
    p50: median(scans.map((s) => percentile(s.perSkillMs, 50))),
    p95: median(scans.map((s) => percentile(s.perSkillMs, 95))),
    peers,
    peerRatio: peers.length ? median(peers.map((p, i) => p.ms / scans[i]!.ms)) : undefined,
    profiled,
  };
}
