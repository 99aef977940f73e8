// Decoding of literal payloads found in scripts, so the decoded code can be analysed too.
// Bounded and total: returns undefined for anything that does not decode to readable text.

const MAX_DECODED = 64 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: false });

function readable(s: string): string | undefined {
  if (!s.length) return undefined;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c !== 0x7f && c !== 0xfffd) || c === 9 || c === 10 || c === 13) ok++;
  }
  return ok / s.length >= 0.9 ? s.slice(0, MAX_DECODED) : undefined;
}

export type Encoding = "base64" | "base64-utf16le" | "hex" | "base32" | "url" | "charcodes";

/** Decodes `input` as `enc`; undefined when the result is not readable text. */
export function decodeLiteral(input: string, enc: Encoding): string | undefined {
  if (input.length > MAX_DECODED * 2) return undefined;
  try {
    switch (enc) {
      case "base64": {
        const clean = input.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
        return readable(utf8.decode(Buffer.from(clean, "base64")));
      }
      case "base64-utf16le": {
        const clean = input.replace(/\s+/g, "");
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
        return readable(Buffer.from(clean, "base64").toString("utf16le"));
      }
      case "hex": {
        const clean = input.replace(/\\x|0x|[\s:]/gi, "");
        if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) return undefined;
        return readable(utf8.decode(Buffer.from(clean, "hex")));
      }
      case "url":
        return readable(decodeURIComponent(input));
      case "charcodes": {
        const codes = input
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number);
        if (!codes.length || codes.some((n) => !Number.isInteger(n) || n < 0 || n > 0x10ffff))
          return undefined;
        return readable(String.fromCodePoint(...codes.slice(0, MAX_DECODED)));
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/**
 * A known string reversed (`s[::-1]`, `s.split("").reverse().join("")`): reversing is an encoding
 * too, one that hides a command from a reader and from text rules. By code point, so a reversed
 * emoji stays one; bounded like the decodings above.
 */
export function reverseText(s: string): string | undefined {
  if (s.length > MAX_DECODED) return undefined;
  return readable([...s].reverse().join(""));
}
