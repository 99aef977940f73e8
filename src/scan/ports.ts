// What the core needs from outside, and nothing else: the core never touches the file system, the
// network or a process itself, so whoever calls it hands these in. The sources (src/sources/)
// implement FileSet; src/node/script-analyzer.ts plugs in the tree-sitter ScriptAnalyzer. There is no
// Logger port: the core logs nothing, it reports progress and unscanned files through ScanOptions
// callbacks (onProgress, onUnscanned) and everything else through its results.

// ScriptAnalyzer is declared beside AnalysisContext (its argument), which script analysis already
// imports from there; this module is where the outside finds it.
export type { AnalysisContext, ScriptAnalyzer, TextFile } from "./analyze/analysis-context.js";

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
  /** The name on disk is not valid UTF-8: `path` shows its odd bytes escaped as `\xNN` (a finding). */
  invalidName?: boolean;
}

export interface FileSet {
  /** A label for messages (a folder path, "owner/repo@sha"). */
  readonly label: string;
  /** Every entry below the root (see VCS_DIR for the one folder a source may leave out). */
  list(): AsyncIterable<FileEntry>;
  /** Reads at most `maxBytes` bytes of a regular file. */
  read(path: string, maxBytes: number): Promise<Uint8Array>;
  /**
   * sha256 (hex) of every byte of a regular file, read or not: the content hash covers what the scan
   * did not read. A source without it has the file read whole by `read` for the hash.
   */
  sha256?(path: string): Promise<string>;
}
