import type { FileEntry, FileSet } from "./fileset.js";
import { VCS_DIR } from "./fileset.js";
import { matchesAny } from "./glob.js";
import type { ScanConfig } from "./scan-config.js";

export interface DiscoveredSkill {
  /** Folder relative to the root ("." for the root itself). */
  dir: string;
  /** Entries that belong to this skill (nested skills excluded), paths relative to the root. */
  entries: FileEntry[];
}

export interface Discovery {
  skills: DiscoveredSkill[];
  /** Entries a source refused outside any skill (e.g. a depth limit hit above the skills). */
  orphanProblems: FileEntry[];
}

const parentDir = (p: string) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : ".");

/**
 * Every folder holding a SKILL.md is a skill; each entry belongs to the deepest skill folder above it.
 * Only paths are kept in memory here; file contents are read skill by skill later.
 */
export async function discoverSkills(
  fs: FileSet,
  config: Pick<ScanConfig, "paths" | "exclude">,
): Promise<Discovery> {
  let all: FileEntry[] = [];
  const roots = new Set<string>();
  for await (const e of fs.list()) {
    const parts = e.path.split("/");
    all.push(e);
    // A SKILL.md that is a link or was refused by the source still makes a skill: the skill must be
    // reported (with a finding for that entry), never silently dropped.
    if (parts[parts.length - 1] === "SKILL.md") roots.add(parentDir(e.path));
  }
  // The repository's own `.git` folder is VCS metadata unless the root is itself a skill (see VCS_DIR).
  if (!roots.has(".")) {
    const vcs = `${VCS_DIR}/`;
    for (const r of [...roots]) if (r === VCS_DIR || r.startsWith(vcs)) roots.delete(r);
    all = all.filter((e) => e.path !== VCS_DIR && !e.path.startsWith(vcs));
  }
  const selected = [...roots].filter(
    (dir) =>
      (config.paths.length === 0 || matchesAny(dir, config.paths) || dir === ".") &&
      !(config.exclude.length > 0 && matchesAny(dir, config.exclude)),
  );
  const byDir = new Map<string, DiscoveredSkill>(selected.map((d) => [d, { dir: d, entries: [] }]));
  const orphanProblems: FileEntry[] = [];
  for (const e of all) {
    let dir = parentDir(e.path);
    // Walk up to the deepest skill folder; every path ends at "." eventually.
    for (;;) {
      if (roots.has(dir)) break;
      if (dir === ".") break;
      dir = parentDir(dir);
    }
    const skill = byDir.get(dir);
    if (skill) skill.entries.push(e);
    else if (e.problem && !roots.has(dir)) orphanProblems.push(e);
  }
  const skills = [...byDir.values()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  for (const s of skills) s.entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { skills, orphanProblems };
}
