// An archive's members scanned as files of the skill: each one goes back to the skill's scan (same
// rules, script analysis and binary checks) under the path `<archive>!/<member>`, and the archive
// itself gets one finding that says whether all of it was checked. Only what was read whole and
// scanned counts as checked; anything else keeps the archive RISKY with the reason in its excerpt.

import { zipDocumentKind } from "../analyze/documents.js";
import { CHECKS } from "../code-checks.js";
import { findingAt, observe, type Place } from "../findings.js";
import { linkTargetInside } from "../link-target.js";
import { decodeBytes } from "../text/decode.js";
import type { Finding } from "../types.js";

import { ARCHIVE_LIMITS, type ArchiveListing, isTar, readArchive } from "./read-archive.js";

/** The archive formats a skill may ship, by magic bytes (a tar has no magic at offset 0). */
export function archiveFormat(raw: Uint8Array, format: string | undefined): string | undefined {
  if (format === "zip" || format === "gzip" || format === "7z" || format === "rar") return format;
  return isTar(raw) ? "tar" : undefined;
}

export interface ArchiveScan {
  raw: Uint8Array;
  /** The archive's format (archiveFormat). */
  format: string;
  place: Place;
  /** The archive's path from the skill's folder. */
  rel: string;
  /** Unpacked bytes this archive may use (the skill's remaining byte budget, at most the archive limit). */
  budget: number;
  /** Members this archive may read (the skill's remaining member budget, at most the archive limit). */
  members: number;
  /**
   * Scans one member as a file of the skill. `path` is from the scanned root, `skillPath` from the
   * skill's folder; `sibling` tells whether the archive holds a file at an inner path.
   */
  scanMember(
    path: string,
    skillPath: string,
    inner: string,
    data: Uint8Array,
    sibling: (p: string) => boolean,
  ): void;
  /** Whether a path from the scanned root is taken (a file on disk, or a member already scanned). */
  taken(path: string): boolean;
}

export interface ArchiveResult {
  findings: Finding[];
  /** Unpacked bytes charged to the skill. */
  bytes: number;
  /** Members read, charged to the skill. */
  members: number;
}

/**
 * A nested archive is not opened: one level keeps the work bounded and the report readable. An
 * Office or OpenDocument file is a document, not an archive someone unpacks.
 */
function nestedFormat(path: string, data: Uint8Array): string | undefined {
  const format = archiveFormat(data, decodeBytes(data.subarray(0, 16)).format);
  return format === "zip" && zipDocumentKind(path, data) ? undefined : format;
}

const list = (xs: string[], max = 3) =>
  `${xs.slice(0, max).join("; ")}${xs.length > max ? `; and ${xs.length - max} more` : ""}`;

export function scanArchive(a: ArchiveScan): ArchiveResult {
  const unread = (why: string): ArchiveResult => ({
    findings: [
      findingAt(CHECKS.archive, a.place, {
        excerpt: `${a.rel}: ${a.format} archive; contents not checked: ${why}`,
      }),
    ],
    bytes: 0,
    members: 0,
  });
  if (a.format === "7z" || a.format === "rar")
    return unread(`${a.format} archives are not read by this scanner`);
  if (a.budget <= 0) return unread("the skill's byte limit is used up");
  if (a.members <= 0) return unread("the skill's limit on archive members is used up");
  const listing: ArchiveListing = readArchive(a.raw, a.rel, {
    ...ARCHIVE_LIMITS,
    maxBytes: Math.min(ARCHIVE_LIMITS.maxBytes, a.budget),
    maxEntries: Math.min(ARCHIVE_LIMITS.maxEntries, a.members),
  });
  const findings: Finding[] = [];
  const notRead = [...listing.notRead];
  const files = new Set(listing.files.map((f) => f.path));
  const sibling = (p: string) => files.has(p);
  const used = new Set<string>();
  const pathOf = (inner: string) => {
    // A folder on disk named like the archive, or a member named twice, must not share a path with
    // another file: weighing reads a finding's passage by its path.
    const base = `${a.place.file}!/${inner}`;
    let p = base;
    for (let n = 2; a.taken(p) || used.has(p); n++) p = `${base}~${n}`;
    used.add(p);
    return p;
  };
  let scanned = 0;
  for (const m of listing.files) {
    const nested = nestedFormat(m.path, m.data);
    if (nested) notRead.push(`${m.path} (a ${nested} archive inside the archive, not opened)`);
    // A nested archive still gets the binary checks: an encrypted zip stays SUSPICIOUS wherever it is.
    a.scanMember(pathOf(m.path), `${a.rel}!/${m.path}`, m.path, m.data, sibling);
    if (!nested) scanned++;
  }
  for (const l of listing.links) {
    const dir = l.hard ? "" : l.path.includes("/") ? l.path.slice(0, l.path.lastIndexOf("/")) : "";
    const inside = linkTargetInside(dir, l.target);
    findings.push(
      findingAt(
        inside === undefined ? CHECKS.symlinkOutside : CHECKS.symlinkInside,
        { ...a.place, file: pathOf(l.path) },
        {
          excerpt: `${a.rel}!/${l.name} -> ${l.target} (${l.hard ? "hard" : "symbolic"} link in the archive, not followed)`,
        },
      ),
    );
  }
  if (listing.escaping.length > 0) {
    findings.push(
      findingAt(CHECKS.archiveEscape, a.place, {
        excerpt: `${a.rel}: ${list(listing.escaping.map((n) => `"${n}"`))}`,
      }),
    );
  }
  const encrypted = listing.encrypted.length > 0 || (a.format === "zip" && ((a.raw[6] ?? 0) & 1) === 1);
  const format = listing.format === "tar.gz" ? "tar.gz" : a.format;
  if (encrypted) {
    findings.push(
      findingAt(CHECKS.encryptedArchive, a.place, {
        excerpt: `${a.rel}: ${format} archive; encrypted: ${list(listing.encrypted.length ? listing.encrypted : ["its first member"])}`,
      }),
    );
  } else if (notRead.length > 0) {
    findings.push(
      findingAt(CHECKS.archive, a.place, {
        excerpt: `${a.rel}: ${format} archive, ${scanned} file(s) checked; not checked: ${list(notRead)}`,
      }),
    );
  } else {
    const f = findingAt(CHECKS.archive, a.place, {
      excerpt: `${a.rel}: ${format} archive, all ${scanned} file(s) checked`,
    });
    findings.push(
      observe(f, {
        seen: "contents-checked",
        why: `an archive whose ${scanned} files were all checked (its files carry their own findings)`,
      }),
    );
  }
  return { findings, bytes: listing.bytes, members: listing.files.length + listing.links.length };
}
