import { createHash } from "node:crypto";
import type { FileEntry, FileSet } from "./ports.js";

// The only way the core sees files. Sources (a folder, a git ref, a tarball) implement it; the core
// never touches the file system, the network or a process itself.

export type { EntryKind, FileEntry, FileSet } from "./ports.js";

/** A FileSet held in memory: used by tests, the tarball source and the git source. */
export class MemoryFileSet implements FileSet {
  constructor(
    readonly label: string,
    private readonly files: Map<string, Uint8Array | { symlink: string } | { problem: string; size: number }>,
  ) {}

  static fromRecord(label: string, record: Record<string, string | Uint8Array>): MemoryFileSet {
    const map = new Map<string, Uint8Array>();
    for (const [p, v] of Object.entries(record))
      map.set(p, typeof v === "string" ? new TextEncoder().encode(v) : v);
    return new MemoryFileSet(label, map);
  }

  async *list(): AsyncIterable<FileEntry> {
    for (const [path, v] of this.files) {
      if (v instanceof Uint8Array) yield { path, kind: "file", size: v.byteLength };
      else if ("symlink" in v) yield { path, kind: "symlink", size: 0, linkTarget: v.symlink };
      else yield { path, kind: "other", size: v.size, problem: v.problem };
    }
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array> {
    const v = this.files.get(path);
    if (!(v instanceof Uint8Array)) throw new Error(`${this.label}: ${path} is not a regular file`);
    return v.byteLength > maxBytes ? v.subarray(0, maxBytes) : v;
  }

  async sha256(path: string): Promise<string> {
    return createHash("sha256")
      .update(await this.read(path, Number.POSITIVE_INFINITY))
      .digest("hex");
  }
}

/**
 * Every file of a skill is content, `node_modules` included: a SKILL.md may tell the agent to run
 * `node node_modules/helper/index.js`. The one folder a source may leave out is the `.git` folder at
 * the root of the scanned repository, above the skills, when that root is not itself a skill: it is
 * the checkout's VCS metadata, not something a skill ships (GitHub's tarballs never hold it). A `.git`
 * folder inside a skill folder is content its author ships (hooks and config can make git run
 * commands), so it is scanned like any other file and its presence is a finding (input.vcs-folder).
 */
export const VCS_DIR = ".git";
