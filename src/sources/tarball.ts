import { createHash } from "node:crypto";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract as tarExtract } from "tar-stream";
import type { FileEntry, FileSet } from "../scan/index.js";
import { SCAN_LIMITS } from "../scan/index.js";

// A FileSet read from a GitHub tarball (`GET /repos/{owner}/{repo}/tarball/{ref}`): a gzip'd tar whose
// entries all sit below one top folder `owner-repo-sha/`, which is stripped. The archive is hostile
// input: everything stays in memory (nothing is written to disk, no link is followed or created) and
// every limit below is enforced while streaming, before the data is kept.
//
// A file over the per-entry size keeps only its head (the core scans it and reports the file as too
// large to check whole). A breach of any other per-entry rule (a link, a device, a path that climbs
// out of the archive, a duplicate path) becomes an entry with `problem`, which the core turns into a finding on the skill
// that holds it. A breach of a whole-archive limit (download size, unpacked size, number of entries)
// or a corrupt archive throws TarballError with a message that names the limit: the caller reports
// the scan as failed. Neither case passes silently.

const MiB = 1024 * 1024;

export interface TarballLimits {
  /** Compressed bytes read from the network. Default 64 MiB. */
  maxDownloadBytes: number;
  /** Bytes after gunzip (tar headers included): the guard against gzip bombs. Default 256 MiB. */
  maxUnpackedBytes: number;
  /** Tar entries of any kind, directories included. Default 100 000 (a skill may hold 20 000 files). */
  maxEntries: number;
  /**
   * Bytes kept of one file entry; of a larger file only its head is kept (listed with its real size,
   * so the core reports it as too large to check whole: SUSPICIOUS). Default: the core's per-file
   * limit, the one limits policy (src/scan/limits.ts), so a file kept whole is one the core reads whole.
   */
  maxEntryBytes: number;
  /** Length of one entry's path in bytes (UTF-8). Default 1024. */
  maxPathBytes: number;
}

export const DEFAULT_TARBALL_LIMITS: Readonly<TarballLimits> = Object.freeze({
  maxDownloadBytes: 64 * MiB,
  maxUnpackedBytes: 256 * MiB,
  maxEntries: 100_000,
  maxEntryBytes: SCAN_LIMITS.maxFileBytes,
  maxPathBytes: 1024,
});

export type TarballErrorCode = "download-size" | "unpacked-size" | "entry-count" | "corrupt";

export class TarballError extends Error {
  override name = "TarballError";
  constructor(
    readonly code: TarballErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Stored =
  /** `data` is the whole file, or its first maxEntryBytes when `size` is larger (`sha256` then covers all of it). */
  | { kind: "file"; data: Uint8Array; size: number; sha256?: string }
  | { kind: "symlink"; target: string }
  | { kind: "other"; problem: string; size: number };

/** The FileSet read from a tarball; entries are listed in archive order. */
export class TarballFileSet implements FileSet {
  constructor(
    readonly label: string,
    private readonly entries: ReadonlyMap<string, Stored>,
    /** The stripped top folder (`owner-repo-sha`), "" when the archive had none. */
    readonly topFolder: string,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Entries that are not regular files: symlinks and entries refused with a problem. */
  nonFiles(): FileEntry[] {
    const out: FileEntry[] = [];
    for (const [path, v] of this.entries) if (v.kind !== "file") out.push(toEntry(path, v));
    return out;
  }

  async *list(): AsyncIterable<FileEntry> {
    for (const [path, v] of this.entries) yield toEntry(path, v);
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array> {
    const v = this.entries.get(path);
    if (v?.kind !== "file") throw new Error(`${this.label}: ${path} is not a regular file`);
    return v.data.byteLength > maxBytes ? v.data.subarray(0, maxBytes) : v.data;
  }

  async sha256(path: string): Promise<string> {
    const v = this.entries.get(path);
    if (v?.kind !== "file") throw new Error(`${this.label}: ${path} is not a regular file`);
    return v.sha256 ?? createHash("sha256").update(v.data).digest("hex");
  }
}

function toEntry(path: string, v: Stored): FileEntry {
  if (v.kind === "file") return { path, kind: "file", size: v.size };
  if (v.kind === "symlink") return { path, kind: "symlink", size: 0, linkTarget: v.target };
  return { path, kind: "other", size: v.size, problem: v.problem };
}

export type TarballSource = Uint8Array | ArrayBuffer | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface ReadTarballOptions {
  /** A label for messages, e.g. "owner/repo@sha". */
  label: string;
  limits?: Partial<TarballLimits>;
  /** The size the server announced (Content-Length), checked before reading a byte. */
  declaredBytes?: number;
}

const fmt = (n: number) =>
  n >= MiB
    ? `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MiB`
    : n >= 1024
      ? `${Math.ceil(n / 1024)} KiB`
      : `${n} bytes`;

function toAsyncIterable(src: TarballSource): AsyncIterable<Uint8Array> {
  if (src instanceof Uint8Array)
    return (async function* () {
      yield src;
    })();
  if (src instanceof ArrayBuffer)
    return (async function* () {
      yield new Uint8Array(src);
    })();
  if (typeof (src as ReadableStream<Uint8Array>).getReader === "function") {
    const stream = src as ReadableStream<Uint8Array>;
    return (async function* () {
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        // Stops the download when a limit ends the read early.
        await reader.cancel().catch(() => {});
      }
    })();
  }
  return src as AsyncIterable<Uint8Array>;
}

/** Counts bytes through a stream and fails once `max` is passed. */
function byteLimit(max: number, error: () => TarballError): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      seen += chunk.byteLength;
      if (seen > max) cb(error());
      else cb(null, chunk);
    },
  });
}

const DRIVE = /^[A-Za-z]:/;

type PathCheck = { ok: true; path: string } | { ok: false; path: string; reason: string };

/**
 * Strips the top folder and checks a tar entry name. Backslashes count as separators here, as they do
 * for any Windows tool that would extract the same archive. A refused name still gets a harmless path
 * (`..` shown as `%2E%2E`) below the folder where it appeared, so the finding lands on that skill.
 */
function checkPath(raw: string, top: string, maxPathBytes: number): PathCheck {
  const absolute = raw.startsWith("/") || raw.startsWith("\\") || DRIVE.test(raw);
  const parts = raw.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  const inTop = !absolute && parts[0] === top;
  const rest = inTop ? parts.slice(1) : parts;
  const shown = rest.map((p) =>
    p === ".." ? "%2E%2E" : p.replace(/^[A-Za-z]:$/, (d) => d.replace(":", "%3A")),
  );
  let path = shown.join("/");
  if (Buffer.byteLength(path) > maxPathBytes) {
    path = `${Buffer.from(path)
      .subarray(0, maxPathBytes)
      .toString("utf8")
      .replace(/\uFFFD+$/, "")}…`;
    return { ok: false, path, reason: `path longer than ${maxPathBytes} bytes` };
  }
  if (absolute) return { ok: false, path, reason: `absolute path "${raw}" refused` };
  if (parts.includes(".."))
    return { ok: false, path, reason: `path "${raw}" climbs out of its folder with ".."; refused` };
  if (!inTop)
    return {
      ok: false,
      path,
      reason: `entry "${raw}" is outside the archive's top folder "${top}/"; refused`,
    };
  if (raw.includes("\\")) return { ok: false, path, reason: `path "${raw}" contains a backslash; refused` };
  return { ok: true, path };
}

/**
 * Reads a gzip'd GitHub tarball into memory under the limits. Throws TarballError for a breach of a
 * whole-archive limit or a corrupt archive; every per-entry breach becomes an entry with `problem`.
 */
export async function readTarball(
  source: TarballSource,
  options: ReadTarballOptions,
): Promise<TarballFileSet> {
  const limits: TarballLimits = { ...DEFAULT_TARBALL_LIMITS, ...options.limits };
  const { label } = options;
  if (options.declaredBytes !== undefined && options.declaredBytes > limits.maxDownloadBytes) {
    if (typeof (source as ReadableStream).cancel === "function")
      await (source as ReadableStream).cancel().catch(() => {});
    throw new TarballError(
      "download-size",
      `${label}: the archive is ${fmt(options.declaredBytes)}, over the ${fmt(limits.maxDownloadBytes)} download limit`,
    );
  }
  const entries = new Map<string, Stored>();
  let top: string | undefined;
  let count = 0;

  const extract = tarExtract();
  const fed = pipeline(
    Readable.from(toAsyncIterable(source), { objectMode: false }),
    byteLimit(
      limits.maxDownloadBytes,
      () =>
        new TarballError(
          "download-size",
          `${label}: the archive is over the ${fmt(limits.maxDownloadBytes)} download limit`,
        ),
    ),
    createGunzip(),
    byteLimit(
      limits.maxUnpackedBytes,
      () =>
        new TarballError(
          "unpacked-size",
          `${label}: the archive unpacks to more than ${fmt(limits.maxUnpackedBytes)} (limit); not scanned`,
        ),
    ),
    extract,
  );
  let pipeError: unknown;
  let loopError: unknown;
  const settled = fed.then(
    () => undefined,
    (err: unknown) => {
      pipeError = err;
    },
  );

  try {
    for await (const entry of extract) {
      const h = entry.header;
      count++;
      if (count > limits.maxEntries) {
        throw new TarballError(
          "entry-count",
          `${label}: the archive holds more than ${limits.maxEntries} entries (limit); not scanned`,
        );
      }
      const raw = h.name ?? "";
      // The first entry names the top folder GitHub puts everything in.
      if (top === undefined) {
        const first = raw.split(/[\\/]+/).filter((p) => p !== "" && p !== ".")[0] ?? "";
        top = !raw.startsWith("/") && !DRIVE.test(raw) && first !== ".." && first !== "" ? first : "";
      }
      const checked = checkPath(raw, top, limits.maxPathBytes);
      const size = h.size ?? 0;
      const type: string = h.type ?? "unknown";
      const keep = (path: string, v: Stored) => {
        // A second entry for the same path would silently replace the first in any extractor.
        if (entries.has(path)) {
          entries.set(path, {
            kind: "other",
            problem: `"${path}" appears more than once in the archive; not scanned`,
            size,
          });
        } else entries.set(path, v);
      };

      if (type === "directory" || type === "pax-header" || type === "pax-global-header") {
        if (!checked.ok && checked.path !== "")
          keep(checked.path, { kind: "other", problem: checked.reason, size: 0 });
        entry.resume();
        continue;
      }
      if (checked.path === "") {
        // The top folder itself as a non-directory, or a name made only of separators.
        keep(`(entry ${count})`, {
          kind: "other",
          problem: `entry "${raw}" has no usable path; refused`,
          size,
        });
        entry.resume();
        continue;
      }
      if (!checked.ok) {
        keep(checked.path, { kind: "other", problem: checked.reason, size });
        entry.resume();
        continue;
      }
      if (type === "symlink") {
        keep(checked.path, { kind: "symlink", target: h.linkname ?? "" });
        entry.resume();
        continue;
      }
      if (type === "link") {
        keep(checked.path, {
          kind: "other",
          problem: `hard link to "${h.linkname ?? ""}" in the archive; links are not followed`,
          size: 0,
        });
        entry.resume();
        continue;
      }
      if (type !== "file" && type !== "contiguous-file") {
        keep(checked.path, {
          kind: "other",
          problem: `${type} entry in the archive; not a regular file`,
          size,
        });
        entry.resume();
        continue;
      }
      // A file over the per-file limit keeps its first maxEntryBytes, as the core reads any large file:
      // its head is scanned, the rest is a SUSPICIOUS finding, and the hash still covers every byte.
      const kept = Math.min(size, limits.maxEntryBytes);
      const data = new Uint8Array(kept);
      const whole = kept < size ? createHash("sha256") : undefined;
      let at = 0;
      let seen = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        // tar-stream hands out exactly `size` bytes; the guard keeps a wrong header from overflowing.
        if (seen + chunk.byteLength > size)
          throw new TarballError("corrupt", `${label}: entry "${raw}" is longer than its header says`);
        seen += chunk.byteLength;
        whole?.update(chunk);
        if (at < kept) {
          const part = chunk.subarray(0, kept - at);
          data.set(part, at);
          at += part.byteLength;
        }
      }
      keep(checked.path, { kind: "file", data, size, sha256: whole?.digest("hex") });
    }
  } catch (err) {
    loopError = err;
    extract.destroy();
  }
  await settled;
  // A limit error wins over the "premature close" it causes further down the pipeline.
  const failure = [loopError, pipeError].find((e) => e instanceof TarballError) ?? loopError ?? pipeError;
  if (failure !== undefined) {
    if (failure instanceof TarballError) throw failure;
    const msg = failure instanceof Error ? failure.message : String(failure);
    throw new TarballError("corrupt", `${label}: not a readable gzip'd tar archive (${msg})`);
  }
  return new TarballFileSet(label, entries, top ?? "");
}
