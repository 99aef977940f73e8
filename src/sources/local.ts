import { createHash } from "node:crypto";
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
import { join, resolve, sep } from "node:path";
import { type FileEntry, type FileSet, SCAN_LIMITS, VCS_DIR } from "../scan/index.js";

export interface LocalOptions {
  /** Folders deeper than this are not entered; the cut is reported as a finding. */
  maxDepth?: number;
  /** Stop listing after this many entries (a finding says so). */
  maxEntries?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A name as the report shows it: UTF-8 as is; otherwise every byte that is not part of valid UTF-8
 * (and every backslash, so an escaped name cannot pass for a plain one) written as `\xNN`.
 */
export function showName(raw: Buffer): { name: string; valid: boolean } {
  try {
    return { name: utf8.decode(raw), valid: true };
  } catch {
    let out = "";
    let i = 0;
    while (i < raw.length) {
      const b = raw[i]!;
      const len =
        b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      if (len > 1 && i + len <= raw.length) {
        try {
          out += utf8.decode(raw.subarray(i, i + len));
          i += len;
          continue;
        } catch {
          // falls through to the escape below
        }
      }
      out += b === 0x5c || len !== 1 ? `\\x${b.toString(16).padStart(2, "0")}` : String.fromCharCode(b);
      i++;
    }
    return { name: out, valid: false };
  }
}

interface Dir {
  /** The folder's path on disk, as raw bytes: a name that is not UTF-8 must be opened by its bytes. */
  raw: Buffer;
  /** Its path relative to the root as reports show it ("" for the root). */
  rel: string;
  depth: number;
}

/**
 * A folder on disk. Symbolic links are listed as links and never followed. It uses synchronous fs
 * calls on purpose: a scan reads many small files one after another, and a thread-pool round trip
 * per call cost more than the reading itself (measured with `npm run bench`).
 *
 * Names are read as bytes: a file whose name is not valid UTF-8 is listed under its escaped name
 * (`bad\xff.sh`, with `invalidName` set) and read by its real bytes, so it is scanned like any other.
 */
export class LocalFileSet implements FileSet {
  readonly root: string;
  /** Shown path → path on disk, for entries below a name that is not valid UTF-8. */
  private readonly rawPaths = new Map<string, Buffer>();

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
    const maxDepth = this.opts.maxDepth ?? SCAN_LIMITS.maxDepth;
    const maxEntries = this.opts.maxEntries ?? 1_000_000;
    let count = 0;
    const rootStat = lstatSync(this.root);
    if (rootStat.isFile()) {
      // A single SKILL.md given directly: its folder is the root.
      return;
    }
    // The checkout's own .git is VCS metadata unless the root is itself a skill (see VCS_DIR).
    const skipRootVcs = !exists(join(this.root, "SKILL.md"));
    const stack: Dir[] = [{ raw: Buffer.from(this.root), rel: "", depth: 0 }];
    while (stack.length) {
      const { raw: dirRaw, rel: dirRel, depth } = stack.pop()!;
      let names: Dirent<Buffer>[];
      try {
        names = readdirSync(dirRaw, { withFileTypes: true, encoding: "buffer" });
      } catch (err) {
        yield {
          path: dirRel,
          kind: "other",
          size: 0,
          problem: `cannot read folder: ${(err as Error).message}`,
        };
        continue;
      }
      names.sort((a, b) => Buffer.compare(a.name, b.name));
      const shownHere = new Set<string>();
      for (const d of names) {
        const shown = showName(d.name);
        if (dirRel === "" && skipRootVcs && shown.name === VCS_DIR) continue;
        // Two names on disk may show alike (`bad\\xff.sh` spelt out, and one with the byte 0xff):
        // the later one gets a numbered name, so each is read by its own bytes.
        let shownName = shown.name;
        for (let k = 2; shownHere.has(shownName); k++) shownName = `${shown.name} (${k})`;
        const renamed = shownName !== shown.name;
        shownHere.add(shownName);
        const full = Buffer.concat([dirRaw, Buffer.from(sep), d.name]);
        const path = dirRel === "" ? shownName : `${dirRel}/${shownName}`;
        if (++count > maxEntries) {
          yield { path, kind: "other", size: 0, problem: `listing stopped after ${maxEntries} entries` };
          return;
        }
        // Everything below a name that is not UTF-8 is opened by its bytes and carries the finding.
        const below = !shown.valid || renamed || this.rawPaths.has(dirRel);
        if (below) this.rawPaths.set(path, full);
        const mark = below ? { invalidName: true } : {};
        if (d.isSymbolicLink()) {
          yield { path, kind: "symlink", size: 0, linkTarget: safeReadlink(full), ...mark };
        } else if (d.isDirectory()) {
          if (depth + 1 > maxDepth) {
            yield {
              path,
              kind: "other",
              size: 0,
              problem: `folder nested deeper than ${maxDepth} levels was not entered`,
              ...mark,
            };
          } else stack.push({ raw: full, rel: path, depth: depth + 1 });
        } else if (d.isFile()) {
          yield { path, kind: "file", size: lstatSync(full).size, ...mark };
        } else {
          yield {
            path,
            kind: "other",
            size: 0,
            problem: "special file (device, socket or pipe) was not read",
            ...mark,
          };
        }
      }
    }
  }

  private onDisk(path: string): Buffer | string {
    const raw = this.rawPaths.get(path);
    if (raw) return raw;
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + sep))
      throw new Error(`${path} is outside ${this.root}`);
    return full;
  }

  /** Opens a regular file without following a link (one swapped in after listing is still refused). */
  private open(path: string): number {
    const fd = openSync(this.onDisk(path), constants.O_RDONLY | constants.O_NOFOLLOW);
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new Error(`${path} is not a regular file`);
    }
    return fd;
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array> {
    const fd = this.open(path);
    try {
      const size = Math.min(fstatSync(fd).size, maxBytes);
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

  /** Streams the file through the hash, so a file of any size costs time, not memory. */
  async sha256(path: string): Promise<string> {
    const fd = this.open(path);
    try {
      const h = createHash("sha256");
      const buf = Buffer.allocUnsafe(1024 * 1024);
      let off = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, off);
        if (n === 0) return h.digest("hex");
        off += n;
        h.update(buf.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
  }
}

function safeReadlink(full: Buffer): string {
  try {
    return showName(readlinkSync(full, { encoding: "buffer" })).name;
  } catch {
    return "";
  }
}

function exists(full: string): boolean {
  try {
    lstatSync(full);
    return true;
  } catch {
    return false;
  }
}
