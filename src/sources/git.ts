import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import type { FileEntry, FileSet } from "../scan/index.js";

// The skills as they were at a commit of a local checkout, read from git's object store
// (`git ls-tree -r -z -l` to list, one long-lived `git cat-file --batch` to read). Used by the Action
// to compare a pull request or push with its baseline. Nothing is checked out or executed.

export type GitRefResult =
  | { available: true; fileSet: GitFileSet; commit: string }
  | { available: false; reason: string };

export interface GitSourceOptions {
  /** Folder of the checkout (any folder inside the work tree). */
  cwd: string;
  /** Commit-ish to read: a sha, a branch, a tag, HEAD~1 … */
  ref: string;
  /** Folder inside the repository to expose as the FileSet's root ("" or "." for the top). */
  subPath?: string;
  /** Stop listing after this many entries (a finding says so). */
  maxEntries?: number;
}

const MAX_LIST_BYTES = 256 * 1024 * 1024;

function git(cwd: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      { cwd, maxBuffer: MAX_LIST_BYTES, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } },
      (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

/**
 * A ref as the user wrote it is data for git, never an option or a range: letters, digits and
 * `. _ / - + @` plus `~n` / `^n` suffixes; no leading "-", no "..", no "@{".
 */
export function isSafeRef(ref: string): boolean {
  return /^[A-Za-z0-9._/+@~^-]{1,256}$/.test(ref) && !ref.startsWith("-") && !ref.includes("..");
}

const normSub = (p: string | undefined) =>
  (p ?? "")
    .replace(/\\/g, "/")
    .replace(/^\.\/?/, "")
    .replace(/^\/+|\/+$/g, "");

/**
 * Opens `ref` of the repository around `cwd`. Never throws for a missing ref or shallow history:
 * those come back as `{ available: false, reason }` with advice, so a caller can report and go on.
 */
export async function openGitRef(opts: GitSourceOptions): Promise<GitRefResult> {
  const { cwd, ref } = opts;
  if (!isSafeRef(ref)) return { available: false, reason: `"${ref}" is not a valid git ref` };
  const top = await git(cwd, ["rev-parse", "--show-toplevel"]);
  if (!top.ok) return { available: false, reason: `${cwd} is not inside a git checkout` };
  const sha = await git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (!sha.ok || !/^[0-9a-f]{40,64}$/.test(sha.stdout.trim())) {
    const shallow = await git(cwd, ["rev-parse", "--is-shallow-repository"]);
    const isShallow = shallow.ok && shallow.stdout.trim() === "true";
    return {
      available: false,
      reason: isShallow
        ? `commit ${ref} is not in this checkout: its history is shallow. Set \`fetch-depth: 0\` on actions/checkout to compare with the baseline`
        : `commit ${ref} is not in this checkout's history (was it fetched? \`fetch-depth: 0\` on actions/checkout fetches all of it)`,
    };
  }
  const commit = sha.stdout.trim();
  const sub = normSub(opts.subPath);
  const args = ["ls-tree", "-r", "-z", "-l", "--full-tree", commit];
  if (sub) args.push("--", sub);
  const listing = await git(cwd, args);
  if (!listing.ok)
    return {
      available: false,
      reason: `cannot list commit ${commit.slice(0, 12)}: ${listing.stderr.trim()}`,
    };
  const entries = parseLsTree(listing.stdout, sub, opts.maxEntries ?? 1_000_000);
  return {
    available: true,
    commit,
    fileSet: new GitFileSet(`${ref}@${commit.slice(0, 12)}`, top.stdout.trim(), entries),
  };
}

interface TreeEntry extends FileEntry {
  oid?: string;
}

/** Parses `git ls-tree -r -z -l` output: `<mode> SP <type> SP <object> SP+ <size> TAB <path> NUL`. */
export function parseLsTree(out: string, sub: string, maxEntries: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const prefix = sub ? `${sub}/` : "";
  for (const rec of out.split("\0")) {
    if (!rec) continue;
    const tab = rec.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, oid, size] = rec.slice(0, tab).trim().split(/\s+/);
    const full = rec.slice(tab + 1);
    if (prefix && !full.startsWith(prefix)) continue;
    const path = full.slice(prefix.length);
    if (!path) continue;
    if (entries.length >= maxEntries) {
      entries.push({ path, kind: "other", size: 0, problem: `listing stopped after ${maxEntries} entries` });
      break;
    }
    if (type === "blob" && mode === "120000") {
      entries.push({ path, kind: "symlink", size: 0, oid });
    } else if (type === "blob") {
      entries.push({ path, kind: "file", size: Number(size) || 0, oid });
    } else {
      entries.push({
        path,
        kind: "other",
        size: 0,
        problem: type === "commit" ? "git submodule was not read" : `git ${type} was not read`,
      });
    }
  }
  return entries;
}

interface Pending {
  oid: string;
  maxBytes: number;
  resolve: (b: Uint8Array) => void;
  reject: (e: Error) => void;
}

/** A commit's files; contents are streamed from one `git cat-file --batch` per FileSet. */
export class GitFileSet implements FileSet {
  private readonly byPath: Map<string, TreeEntry>;
  private proc: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  // State of the object being received: header read, bytes still expected, what has been kept.
  private current: { size: number; remaining: number; kept: Buffer[]; keptBytes: number } | undefined;
  private failed: Error | undefined;

  constructor(
    readonly label: string,
    private readonly repoDir: string,
    private readonly entries: TreeEntry[],
  ) {
    this.byPath = new Map(entries.map((e) => [e.path, e]));
  }

  async *list(): AsyncIterable<FileEntry> {
    for (const e of this.entries) {
      const { oid: _oid, ...entry } = e;
      if (e.kind === "symlink") yield { ...entry, linkTarget: await this.readLink(e) };
      else yield entry;
    }
  }

  private async readLink(e: TreeEntry): Promise<string> {
    try {
      return new TextDecoder().decode(await this.readObject(e.oid!, 4096));
    } catch {
      return "";
    }
  }

  read(path: string, maxBytes: number): Promise<Uint8Array> {
    const e = this.byPath.get(path);
    if (e?.kind !== "file" || !e.oid)
      return Promise.reject(new Error(`${this.label}: ${path} is not a regular file`));
    return this.readObject(e.oid, maxBytes);
  }

  /** Ends the `git cat-file` process (call when done: it keeps the event loop alive); reads after this start a new one. */
  close(): void {
    const p = this.proc;
    this.proc = undefined;
    if (p) {
      p.stdin.end();
      p.kill();
    }
  }

  private readObject(oid: string, maxBytes: number): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const proc = this.process();
      this.queue.push({ oid, maxBytes: Math.max(0, maxBytes), resolve, reject });
      proc.stdin.write(`${oid}\n`);
    });
  }

  private process(): ChildProcessWithoutNullStreams {
    if (this.proc) return this.proc;
    const p = spawn("git", ["cat-file", "--batch"], {
      cwd: this.repoDir,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    });
    p.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    p.stderr.resume();
    const fail = (err: Error) => {
      if (this.proc !== p) return;
      this.proc = undefined;
      this.failed = err;
      for (const q of this.queue.splice(0)) q.reject(err);
    };
    p.on("error", (err) => fail(new Error(`git cat-file failed: ${err.message}`)));
    p.on("exit", (code) => {
      if (this.queue.length) fail(new Error(`git cat-file exited with code ${code}`));
      else if (this.proc === p) this.proc = undefined;
    });
    this.proc = p;
    return p;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (!this.current) {
        const nl = this.buf.indexOf(10);
        if (nl < 0) return;
        const header = this.buf.subarray(0, nl).toString("utf8");
        this.buf = this.buf.subarray(nl + 1);
        const parts = header.split(" ");
        if (parts[1] === "missing" || parts.length < 3) {
          this.queue.shift()?.reject(new Error(`${this.label}: object ${parts[0]} is missing`));
          continue;
        }
        const size = Number(parts[2]);
        // Every object is followed by one LF.
        this.current = { size, remaining: size + 1, kept: [], keptBytes: 0 };
      }
      const cur = this.current;
      if (this.buf.length === 0) return;
      const take = Math.min(cur.remaining, this.buf.length);
      const piece = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      cur.remaining -= take;
      const want = this.queue[0]?.maxBytes ?? 0;
      const room = Math.min(want, cur.size) - cur.keptBytes;
      if (room > 0) {
        const keep = piece.subarray(0, Math.min(room, piece.length));
        cur.kept.push(Buffer.from(keep));
        cur.keptBytes += keep.length;
      }
      if (cur.remaining > 0) return;
      this.current = undefined;
      this.queue.shift()?.resolve(new Uint8Array(Buffer.concat(cur.kept)));
    }
  }
}
