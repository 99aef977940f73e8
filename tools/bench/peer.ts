// The peer the benchmark compares against: Skillsmith's SecurityScanner (@skillsmith/core, a
// regex scanner in JavaScript), run the way its own scan-imported-skills script runs it
// (dist/src/scripts/skill-scanner/scanner.js: scanSkill → extractScannableContent → scanner.scan):
// one text per skill, its parts joined by a blank line: `# name`, the description, the content.
// For a skill folder the content is every text file of the skill, SKILL.md first, so the peer reads
// what we read (scripts included). Its time counts listing, reading and decoding too, as ours does.
//
// The package lives in tools/bench/peer/ with a node_modules of its own: its dependency tree (~400 MB,
// native builds of sharp and better-sqlite3 that download from GitHub) must not become the project's.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FileEntry, ScanConfig } from "../../src/scan/index.js";
import { LocalFileSet } from "../../src/sources/local.js";

export const PEER_PACKAGE = "@skillsmith/core";
export const PEER_INSTALL = "npm install --prefix tools/bench/peer --ignore-scripts --no-audit --no-fund";

/** What the benchmark uses of the peer's SecurityScanner. */
export interface PeerScanner {
  scan(skillId: string, content: string): { findings: unknown[] };
}

export interface Peer {
  version: string;
  scanner: PeerScanner;
}

export interface PeerRun {
  ms: number;
  skills: number;
  files: number;
  bytes: number;
  findings: number;
}

/** tools/bench/peer, found upwards from this file (it runs from tools/ or from lib-tools/tools/). */
function peerDir(): string | undefined {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const candidate = join(d, "tools", "bench", "peer");
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

/** Loads the installed peer, or throws saying how to install it. */
export async function loadPeer(): Promise<Peer> {
  const dir = peerDir();
  const pkgDir = dir && join(dir, "node_modules", ...PEER_PACKAGE.split("/"));
  if (!pkgDir || !existsSync(join(pkgDir, "package.json")))
    throw new Error(`--peer: ${PEER_PACKAGE} is not installed in tools/bench/peer; run: ${PEER_INSTALL}`);
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
    version: string;
    exports?: { ".": { import: string } };
  };
  const entry = resolve(pkgDir, pkg.exports?.["."].import ?? "dist/src/index.js");
  const mod = (await import(pathToFileURL(entry).href)) as {
    SecurityScanner: new (options?: { riskThreshold?: number }) => PeerScanner;
  };
  // riskThreshold 40: the script's DEFAULT_CONFIG.scannerOptions.
  return { version: pkg.version, scanner: new mod.SecurityScanner({ riskThreshold: 40 }) };
}

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8", { fatal: false });

/** The frontmatter's `key:` value on one line, unquoted (enough for name and description). */
function field(skillMd: string, key: string): string | undefined {
  const fm = /^---\r?\n([\s\S]*?)\r?\n---/.exec(skillMd)?.[1];
  const v = fm && new RegExp(`^${key}:[ \\t]*(.+)$`, "m").exec(fm)?.[1];
  return v ? v.trim().replace(/^(["'])(.*)\1$/, "$2") : undefined;
}

/** Every skill folder (one holding a SKILL.md) under `dir`, each with its files, SKILL.md first. */
function groupBySkill(files: FileEntry[]): Map<string, FileEntry[]> {
  const dirs = new Set(
    files.filter((f) => /(^|\/)SKILL\.md$/.test(f.path)).map((f) => f.path.slice(0, -"SKILL.md".length)),
  );
  const bySkill = new Map<string, FileEntry[]>();
  for (const f of files) {
    // The deepest skill folder holding the file.
    let owner: string | undefined;
    for (let i = f.path.lastIndexOf("/"); ; i = f.path.lastIndexOf("/", i - 1)) {
      const d = i < 0 ? "" : f.path.slice(0, i + 1);
      if (dirs.has(d)) {
        owner = d;
        break;
      }
      if (i < 0) break;
    }
    if (owner === undefined) continue;
    const list = bySkill.get(owner) ?? [];
    if (f.path === `${owner}SKILL.md`) list.unshift(f);
    else list.push(f);
    bySkill.set(owner, list);
  }
  return bySkill;
}

/** One run of the peer over every skill under `dir`: list, read, decode, join, scan. */
export async function timePeer(dir: string, config: ScanConfig, peer: Peer): Promise<PeerRun> {
  const fs = new LocalFileSet(resolve(dir), { maxDepth: config.limits.maxDepth });
  const t0 = performance.now();
  const files: FileEntry[] = [];
  for await (const e of fs.list()) if (e.kind === "file" && !e.problem) files.push(e);
  let bytes = 0;
  let read = 0;
  let findings = 0;
  let skills = 0;
  for (const [skillDir, entries] of groupBySkill(files)) {
    const texts: string[] = [];
    for (const e of entries) {
      const raw = await fs.read(e.path, config.limits.maxFileBytes);
      bytes += raw.byteLength;
      read++;
      // Binary files are no text for a text scanner (the script's input holds none).
      if (raw.subarray(0, 8192).includes(0)) continue;
      let text: string;
      try {
        text = strict.decode(raw);
      } catch {
        text = lenient.decode(raw);
      }
      texts.push(text);
    }
    const skillMd = texts[0] ?? "";
    const name = field(skillMd, "name") ?? (skillDir.replace(/\/$/, "").split("/").pop() || "skill");
    const description = field(skillMd, "description");
    // extractScannableContent: `# ${name}`, description, content, … joined by "\n\n".
    const parts = [`# ${name}`];
    if (description) parts.push(description);
    parts.push(texts.join("\n\n"));
    const report = peer.scanner.scan(skillDir || name, parts.join("\n\n"));
    findings += report.findings.length;
    skills++;
  }
  return { ms: performance.now() - t0, skills, files: read, bytes, findings };
}
