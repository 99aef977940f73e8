// tar: POSIX ustar, pax extended headers and GNU long names; links and devices are listed, never made.

import { nameText, type Reader } from "./listing.js";

const MAX_META_BYTES = 64 * 1024;
export const BLOCK = 512;

/** Whether the bytes are a tar archive: the ustar magic (POSIX or GNU) at offset 257. */
export function isTar(b: Uint8Array): boolean {
  return (
    b.length >= BLOCK &&
    b[257] === 0x75 &&
    b[258] === 0x73 &&
    b[259] === 0x74 &&
    b[260] === 0x61 &&
    b[261] === 0x72 &&
    (b[262] === 0 || b[262] === 0x20)
  );
}

function octal(b: Uint8Array, at: number, len: number): number | undefined {
  // GNU base-256: the high bit of the first byte set, the rest big-endian.
  if ((b[at]! & 0x80) !== 0) {
    let v = b[at]! & 0x7f;
    for (let i = 1; i < len; i++) {
      v = v * 256 + b[at + i]!;
      if (v > Number.MAX_SAFE_INTEGER / 256) return undefined;
    }
    return v;
  }
  const s = String.fromCharCode(...b.subarray(at, at + len))
    .replace(/\0.*$/s, "")
    .trim();
  if (s === "") return 0;
  return /^[0-7]+$/.test(s) ? Number.parseInt(s, 8) : undefined;
}

export function checksumOk(h: Uint8Array): boolean {
  const want = octal(h, 148, 8);
  if (want === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return want === unsigned || want === signed;
}

/** pax records: "<len> <key>=<value>\n" each. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(" ", i);
    if (sp < 0) break;
    const len = Number.parseInt(text.slice(i, sp), 10);
    if (!Number.isFinite(len) || len <= sp - i) break;
    const rec = text.slice(sp + 1, i + len).replace(/\n$/, "");
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

export function readTar(tar: Uint8Array, r: Reader): void {
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  while (at + BLOCK <= tar.length) {
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((x) => x === 0)) return;
    if (!checksumOk(h)) {
      r.out.notRead.push(`damaged tar header at byte ${at}; the rest of the archive not read`);
      return;
    }
    const type = String.fromCharCode(h[156]!);
    let size = octal(h, 124, 12);
    const paxSize = pax.get("size");
    if (paxSize !== undefined && /^\d+$/.test(paxSize)) size = Number(paxSize);
    if (size === undefined) {
      r.out.notRead.push(`tar header at byte ${at} has no readable size; the rest of the archive not read`);
      return;
    }
    const dataAt = at + BLOCK;
    const next = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    const isMeta = type === "x" || type === "g" || type === "L" || type === "K";
    // A member's declared size past the end of the stream: the archive was cut short.
    const sized = type === "0" || type === "\0" || type === "7" || isMeta || type === "S";
    if (sized && dataAt + size > tar.length) {
      r.out.notRead.push(`tar member at byte ${at} runs past the end of the archive (truncated); not read`);
      return;
    }
    const data = sized ? tar.subarray(dataAt, dataAt + size) : new Uint8Array();
    if (isMeta) {
      if (size > MAX_META_BYTES) {
        r.out.notRead.push(`a ${size}-byte tar name/pax header (over ${MAX_META_BYTES}); the rest not read`);
        return;
      }
      if (type === "x") pax = paxRecords(data);
      else if (type === "L") longName = nameText(data);
      else if (type === "K") longLink = nameText(data);
      at = next;
      continue;
    }
    if (!r.take()) return;
    // POSIX ustar keeps a name prefix at 345; the old GNU format keeps times there.
    const prefix = isTar(h) && h[262] === 0 ? nameText(h.subarray(345, 500)) : "";
    const shortName = nameText(h.subarray(0, 100));
    const name = pax.get("path") ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    const linkName = pax.get("linkpath") ?? longLink ?? nameText(h.subarray(157, 257));
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    if (type === "0" || type === "\0" || type === "7") {
      if (size > r.left) {
        r.out.notRead.push(`${name} (${size} bytes, over the ${r.limits.maxBytes}-byte unpack limit)`);
      } else {
        r.out.bytes += size;
        r.file(name, data);
      }
    } else if (type === "1" || type === "2") r.link(name, linkName, type === "1");
    else if (type === "5") r.place(name);
    else if (type === "3" || type === "4" || type === "6")
      r.out.notRead.push(`${name} (a ${type === "6" ? "FIFO" : "device"} member; never created)`);
    else r.out.notRead.push(`${name} (tar member type '${nameText(h.subarray(156, 157))}' not read)`);
    at = next;
  }
  if (at < tar.length) r.out.notRead.push(`${tar.length - at} trailing bytes after the last tar member`);
}
