// The only way the core sees files. Sources (a folder, a git ref, a tarball) implement it; the core
// never touches the file system, the network or a process itself.

export type EntryKind = "file" | "symlink" | "other";

export interface FileEntry {
  /** POSIX path relative to the FileSet's root, without "./". */
  path: string;
  kind: EntryKind;
  /** Size in bytes as reported by the source (for symlinks: 0). */
  size: number;
  /** For symlinks: the link text, never followed. */
  linkTarget?: string;
  /** Set by a source that refused to go further here (depth limit, entry limit, …): a finding. */
  problem?: string;
}

export interface FileSet {
  /** A label for messages (a folder path, "owner/repo@sha"). */
  readonly label: string;
  /** Every entry below the root. Sources skip `.git` and `node_modules` themselves. */
  list(): AsyncIterable<FileEntry>;
  /** Reads at most `maxBytes` bytes of a regular file. */
  read(path: string, maxBytes: number): Promise<Uint8Array>;
}

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
}

export const SKIPPED_DIRS = new Set([".git", "node_modules"]);
