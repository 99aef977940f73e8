// zip: read by its central directory (what unzip and Python read), stored and deflate members only.

import { inflateRawSync } from "node:zlib";
import { nameText, type Reader, zlibReason } from "./listing.js";

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 0x100000000;

/** The end-of-central-directory record: its offset, searched back over the longest comment. */
function findEocd(b: Uint8Array): number {
  const stop = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= stop; i--)
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 5 && b[i + 3] === 6) return i;
  return -1;
}

const METHODS: Record<number, string> = {
  1: "shrink",
  6: "implode",
  9: "deflate64",
  12: "bzip2",
  14: "LZMA",
  93: "zstd",
  95: "xz",
  98: "PPMd",
  99: "AES",
};

export function readZip(b: Uint8Array, r: Reader): void {
  const eocd = findEocd(b);
  if (eocd < 0) {
    r.out.notRead.push("no zip central directory (damaged or truncated archive); contents not read");
    return;
  }
  let count = u16(b, eocd + 10);
  let cdSize = u32(b, eocd + 12);
  let cdAt = u32(b, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdAt === 0xffffffff) {
    // ZIP64: the locator sits just before the record and points at the 64-bit one.
    const loc = eocd - 20;
    const z = loc >= 0 && u32(b, loc) === 0x07064b50 ? u64(b, loc + 8) : -1;
    if (z < 0 || z + 56 > b.length || u32(b, z) !== 0x06064b50) {
      r.out.notRead.push("ZIP64 directory missing or damaged; contents not read");
      return;
    }
    count = u64(b, z + 32);
    cdSize = u64(b, z + 40);
    cdAt = u64(b, z + 48);
  }
  if (cdAt + cdSize > b.length) {
    r.out.notRead.push("zip central directory runs past the end of the file (truncated); contents not read");
    return;
  }
  const covered: [number, number][] = [];
  let p = cdAt;
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || u32(b, p) !== 0x02014b50) {
      r.out.notRead.push(`damaged zip central directory at entry ${i + 1}; the rest not read`);
      return;
    }
    if (!r.take()) return;
    const madeBy = b[p + 5]!;
    const flags = u16(b, p + 8);
    const method = u16(b, p + 10);
    let csize = u32(b, p + 20);
    let usize = u32(b, p + 24);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    const mode = u32(b, p + 38) >>> 16;
    let local = u32(b, p + 42);
    const nameBytes = b.subarray(p + 46, p + 46 + nameLen);
    const name = nameText(nameBytes);
    // ZIP64 extra field: the 64-bit values, in order, for each 32-bit field that is all ones.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen && e + 4 <= b.length; ) {
      const id = u16(b, e);
      const len = u16(b, e + 2);
      if (id === 1) {
        let q = e + 4;
        const end = e + 4 + len;
        if (usize === 0xffffffff && q + 8 <= end) {
          usize = u64(b, q);
          q += 8;
        }
        if (csize === 0xffffffff && q + 8 <= end) {
          csize = u64(b, q);
          q += 8;
        }
        if (local === 0xffffffff && q + 8 <= end) local = u64(b, q);
      }
      e += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    const isDir = name.endsWith("/") && usize === 0;
    // Unix mode (upper half of the external attributes, made on a Unix host): a symbolic link.
    const isLink = madeBy === 3 && (mode & 0o170000) === 0o120000;
    const headerOk = local + 30 <= b.length && u32(b, local) === 0x04034b50;
    const localName = headerOk ? b.subarray(local + 30, local + 30 + u16(b, local + 26)) : new Uint8Array();
    const dataAt = headerOk ? local + 30 + u16(b, local + 26) + u16(b, local + 28) : 0;
    if (headerOk) covered.push([local, Math.min(b.length, dataAt + csize)]);
    if (isDir) {
      r.place(name);
      continue;
    }
    if ((flags & 1) === 1) {
      r.out.encrypted.push(name);
      continue;
    }
    if (!headerOk) {
      r.out.notRead.push(`${name} (its zip local header is missing or damaged)`);
      continue;
    }
    if (dataAt + csize > b.length) {
      r.out.notRead.push(`${name} (its data runs past the end of the file)`);
      continue;
    }
    // Tools that read local headers in order would unpack a different file: the differential is how
    // a payload hides from a directory listing.
    if (!bytesEqual(localName, nameBytes)) {
      r.out.notRead.push(`${name} (its local header names a different file, ${nameText(localName)})`);
      continue;
    }
    if (usize > r.left) {
      r.out.notRead.push(`${name} (${usize} bytes, over the ${r.limits.maxBytes}-byte unpack limit)`);
      continue;
    }
    const raw = b.subarray(dataAt, dataAt + csize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      // Inflating stops at the size the directory declares: a bomb that lies about its size costs
      // no more than the lie, and a failed inflate is charged to the budget all the same, so a
      // thousand members that fail late still cost one budget of work.
      const limit = Math.max(1, usize);
      try {
        data = inflateRawSync(raw, { maxOutputLength: limit });
      } catch (err) {
        r.out.bytes += limit;
        r.out.notRead.push(zlibReason(err, name, usize));
        continue;
      }
      if (data.byteLength !== usize) {
        r.out.bytes += data.byteLength;
        r.out.notRead.push(
          `${name} (unpacks to ${data.byteLength} bytes, not the ${usize} its directory says)`,
        );
        continue;
      }
    } else {
      r.out.notRead.push(`${name} (compression method ${METHODS[method] ?? method} is not read)`);
      continue;
    }
    r.out.bytes += data.byteLength;
    if (isLink) r.link(name, nameText(data), false);
    else r.file(name, data);
  }
  // Bytes before the central directory that no listed member covers but that start a local header:
  // a member the directory hides.
  covered.sort((x, y) => x[0] - y[0]);
  let from = 0;
  for (const [s, e] of [...covered, [cdAt, cdAt] as [number, number]]) {
    if (s > from && hasLocalHeader(b, from, s)) {
      r.out.notRead.push(
        `a zip member at byte ${indexOfLocal(b, from, s)} not listed in the central directory`,
      );
      return;
    }
    from = Math.max(from, e);
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function indexOfLocal(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 4 <= to; i++)
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 3 && b[i + 3] === 4) return i;
  return -1;
}
const hasLocalHeader = (b: Uint8Array, from: number, to: number) => indexOfLocal(b, from, to) >= 0;
