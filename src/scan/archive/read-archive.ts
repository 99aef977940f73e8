// An archive a skill ships is read in memory so its files can be scanned like the skill's own: gzip
// (a tar inside, or one compressed file), tar (ustar, pax and GNU long names) and zip (the central
// directory; stored and deflate). The bytes are the author's, so the reader is built for hostile
// input: every size it trusts is bounded by the caller's budget, zlib stops at maxOutputLength (a
// gzip or deflate bomb costs at most the budget), names that climb out of the folder or are absolute
// are reported, links and devices are never followed, and a nested archive is not opened. It never
// throws: what it could not read comes back as a reason, so the scan says what was not checked.
// Nothing is written to disk and nothing is run.

import { gunzipSync } from "node:zlib";
import { ARCHIVE_LIMITS, type ArchiveLimits, type ArchiveListing, Reader, zlibReason } from "./listing.js";
import { BLOCK, checksumOk, isTar, readTar } from "./tar.js";
import { readZip } from "./zip.js";

export * from "./listing.js";
export { isTar } from "./tar.js";

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4;

/** The archive format of these bytes, when this reader reads it. */
export function readableFormat(b: Uint8Array): ArchiveListing["format"] | undefined {
  if (isZip(b)) return "zip";
  if (isGzip(b)) return "gzip";
  if (isTar(b)) return "tar";
  return undefined;
}

/**
 * Reads an archive's members within the limits. `name` is the archive's own file name: a gzip'd
 * single file is named after it without `.gz`, as gunzip names it (the name stored in the gzip
 * header is the author's choice and is not trusted).
 */
export function readArchive(
  raw: Uint8Array,
  name: string,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): ArchiveListing {
  const format = readableFormat(raw);
  const r = new Reader(format ?? "tar", limits);
  try {
    if (format === "zip") readZip(raw, r);
    else if (format === "tar") readTar(raw, r);
    else if (format === "gzip") {
      if (limits.maxBytes <= 0) {
        r.out.notRead.push("no unpack budget left for this skill; contents not read");
        return r.out;
      }
      let inner: Uint8Array;
      try {
        inner = gunzipSync(raw, { maxOutputLength: limits.maxBytes });
      } catch (err) {
        r.out.notRead.push(zlibReason(err, "the gzip stream", limits.maxBytes));
        return r.out;
      }
      if (isTar(inner) || (inner.length >= BLOCK && checksumOk(inner.subarray(0, BLOCK)))) {
        r.out.format = "tar.gz";
        readTar(inner, r);
        r.out.bytes = Math.max(r.out.bytes, inner.byteLength);
      } else {
        r.out.format = "gzip";
        r.take();
        r.out.bytes = inner.byteLength;
        const base = name.slice(name.lastIndexOf("/") + 1);
        const inside = base.replace(/\.t?gz$/i, (m) => (m.toLowerCase() === ".tgz" ? ".tar" : "")) || "data";
        r.file(inside === base ? `${base}.out` : inside, inner);
      }
    } else r.out.notRead.push("not a zip, gzip or tar archive; contents not read");
  } catch (err) {
    // Every read is bounds-checked; this is the last guard so a reader bug is a reason, not a crash.
    r.out.notRead.push(`the archive could not be read (${(err as Error).message}); the rest not read`);
  }
  return r.out;
}
