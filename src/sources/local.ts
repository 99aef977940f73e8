import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
} from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { FileEntry, FileSet } from "../scan/fileset.js";
import { SKIPPED_DIRS } from "../scan/fileset.js";

export interface LocalOptions {
  /** Folders deeper than this are not entered; the cut is reported as a finding. */
  maxDepth?: number;
  /** Stop listing after this many entries (a finding says so). */
  maxEntries?: number;
}

/**
 * A folder on disk. Symbolic links are listed as links and never followed. It uses synchronous fs
 * calls on purpose: a scan reads many small files one after another, and a thread-pool round trip
 * per call cost more than the reading itself (measured with `npm run bench`).
 */
export class LocalFileSet implements FileSet {
  readonly root: string;
  constructor(
    root: string,
    private readonly opts: LocalOptions = {},
  ) {
    this.root = resolve(root);
  }

  get label(): string {
    return this.root;
  }

  async *list(): AsyncIterable<FileEntry> {
    const maxDepth = this.opts.maxDepth ?? 32;
    const maxEntries = this.opts.maxEntries ?? 1_000_000;
    let count = 0;
    const rootStat = lstatSync(this.root);
    if (rootStat.isFile()) {
      // A single SKILL.md given directly: its folder is the root.
      return;
    }
    const stack: { dir: string; depth: number }[] = [{ dir: this.root, depth: 0 }];
    while (stack.length) {
      const { dir, depth } = stack.pop()!;
      let names: Dirent[];
      try {
        names = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        yield {
          path: this.rel(dir),
          kind: "other",
          size: 0,
          problem: `cannot read folder: ${(err as Error).message}`,
        };
        continue;
      }
      names.sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const d of names) {
        if (SKIPPED_DIRS.has(d.name)) continue;
        const full = join(dir, d.name);
        const path = this.rel(full);
        if (++count > maxEntries) {
          yield { path, kind: "other", size: 0, problem: `listing stopped after ${maxEntries} entries` };
          return;
        }
        if (d.isSymbolicLink()) {
          yield { path, kind: "symlink", size: 0, linkTarget: safeReadlink(full) };
        } else if (d.isDirectory()) {
          if (depth + 1 > maxDepth) {
            yield {
              path,
              kind: "other",
              size: 0,
              problem: `folder nested deeper than ${maxDepth} levels was not entered`,
            };
          } else stack.push({ dir: full, depth: depth + 1 });
        } else if (d.isFile()) {
          yield { path, kind: "file", size: lstatSync(full).size };
        } else {
          yield {
            path,
            kind: "other",
            size: 0,
            problem: "special file (device, socket or pipe) was not read",
          };
        }
      }
    }
  }

  private rel(full: string): string {
    return relative(this.root, full).split(sep).join("/");
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array> {
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + sep))
      throw new Error(`${path} is outside ${this.root}`);
    // O_NOFOLLOW: a file swapped for a link after listing is still never followed.
    const fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error(`${path} is not a regular file`);
      const size = Math.min(st.size, maxBytes);
      const buf = Buffer.allocUnsafe(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, buf, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      return buf.subarray(0, off);
    } finally {
      closeSync(fd);
    }
  }
}

function safeReadlink(full: string): string {
  try {
    return readlinkSync(full);
  } catch {
    return "";
  }
}
