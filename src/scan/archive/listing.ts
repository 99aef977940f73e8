// What reading an archive gives back, and the bookkeeping every format shares: the limits, names
// made safe to show and to place, and the reasons for what was not read.

export interface ArchiveLimits {
  /** Members (files, links, folders) read; past it the rest is not read. */
  maxEntries: number;
  /** Unpacked bytes, all members together (the gzip stream of a .tar.gz counts once). */
  maxBytes: number;
  /** Characters of one member's name. */
  maxPathLength: number;
}

export const ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntries: 1000,
  maxBytes: 16 * 1024 * 1024,
  maxPathLength: 1024,
});

/** A regular file of the archive, read whole. */
export interface ArchiveFile {
  /** The member's name as the archive gives it (control characters escaped as \xNN). */
  name: string;
  /** Where it lands when unpacked: `..`, `.`, empty segments, a leading `/` or drive letter removed. */
  path: string;
  data: Uint8Array;
}

/** A link member: never followed, reported with where it points. */
export interface ArchiveLink {
  name: string;
  path: string;
  target: string;
  hard: boolean;
}

export interface ArchiveListing {
  format: "tar" | "tar.gz" | "gzip" | "zip";
  files: ArchiveFile[];
  links: ArchiveLink[];
  /** Members whose name is absolute or climbs out with `..` (zip slip): their raw names. */
  escaping: string[];
  /** Members found encrypted (zip): never read. */
  encrypted: string[];
  /** What was not read, one sentence each (a member, or the rest of the archive and why). */
  notRead: string[];
  /** Bytes unpacked (decompressed stream or member data). */
  bytes: number;
}

export const lenient = new TextDecoder("utf-8", { fatal: false });

/** A name's bytes as text a report can show: UTF-8, control characters and DEL as \xNN, `\` as `/`. */
export function nameText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  const s = lenient.decode(end >= 0 ? bytes.subarray(0, end) : bytes);
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Where a member lands, and whether its name tried to land elsewhere (absolute or `..`). */
export function placeOf(name: string): { path: string; escapes: boolean } {
  const n = name.replace(/\\/g, "/");
  let escapes = n.startsWith("/") || /^[A-Za-z]:/.test(n);
  const parts: string[] = [];
  for (const p of n.replace(/^[A-Za-z]:/, "").split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") escapes = true;
    else parts.push(p);
  }
  return { path: parts.join("/"), escapes };
}

/** A zlib refusal as a reason: a bomb past the budget or damaged data. */
export function zlibReason(err: unknown, what: string, limit: number): string {
  const e = err as { code?: string; message?: string };
  if (e?.code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError)
    return `${what} unpacks to more than ${limit} bytes, not read (a compression bomb or a size that lies)`;
  return `${what} is damaged (${e?.message ?? String(err)}), not read`;
}

export class Reader {
  readonly out: ArchiveListing;
  private entries = 0;
  constructor(
    format: ArchiveListing["format"],
    readonly limits: ArchiveLimits,
  ) {
    this.out = { format, files: [], links: [], escaping: [], encrypted: [], notRead: [], bytes: 0 };
  }
  get left(): number {
    return Math.max(0, this.limits.maxBytes - this.out.bytes);
  }
  /** Counts a member; false (with the reason recorded once) when the entry limit is reached. */
  take(): boolean {
    if (this.entries === this.limits.maxEntries) {
      this.out.notRead.push(`members past the first ${this.limits.maxEntries} (the limit), not read`);
      this.entries++;
    }
    if (this.entries > this.limits.maxEntries) return false;
    this.entries++;
    return true;
  }
  /** Records a member by name; undefined when its name is too long to be trusted. */
  place(name: string): { path: string } | undefined {
    if (name.length > this.limits.maxPathLength) {
      this.out.notRead.push(
        `a member with a ${name.length}-character name (over ${this.limits.maxPathLength}), not read`,
      );
      return undefined;
    }
    const p = placeOf(name);
    if (p.escapes) this.out.escaping.push(name);
    return { path: p.path || "(unnamed)" };
  }
  file(name: string, data: Uint8Array): void {
    const at = this.place(name);
    if (at) this.out.files.push({ name, path: at.path, data });
  }
  link(name: string, target: string, hard: boolean): void {
    const at = this.place(name);
    if (at) this.out.links.push({ name, path: at.path, target, hard });
  }
}
