// Bytes from an attacker: decide binary vs text and decode without ever throwing.

export interface DecodedFile {
  binary: boolean;
  text: string;
  /** True when the bytes were not valid UTF-8 (the text then holds U+FFFD replacements). */
  invalidUtf8: boolean;
  /** A short name of the binary format when recognised by its magic bytes. */
  format?:
    | "elf"
    | "pe"
    | "mach-o"
    | "java-class"
    | "zip"
    | "gzip"
    | "7z"
    | "rar"
    | "wasm"
    | "pyc"
    | "pdf"
    | "image"
    | "font"
    | "other";
}

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

function magic(b: Uint8Array): DecodedFile["format"] | undefined {
  const m = (...xs: number[]) => xs.every((x, i) => b[i] === x);
  if (m(0x7f, 0x45, 0x4c, 0x46)) return "elf";
  if (m(0x4d, 0x5a)) return "pe";
  // Java class files share 0xCAFEBABE with universal Mach-O binaries; a class file's major version
  // (bytes 6-7) is 45 or more, while a universal binary counts its architectures there (a handful).
  if (m(0xca, 0xfe, 0xba, 0xbe) && b[4] === 0 && b[5] === 0 && ((b[6]! << 8) | b[7]!) >= 45)
    return "java-class";
  if (
    m(0xcf, 0xfa, 0xed, 0xfe) ||
    m(0xce, 0xfa, 0xed, 0xfe) ||
    m(0xca, 0xfe, 0xba, 0xbe) ||
    m(0xfe, 0xed, 0xfa, 0xcf)
  )
    return "mach-o";
  if (m(0x50, 0x4b, 0x03, 0x04)) return "zip";
  if (m(0x1f, 0x8b)) return "gzip";
  if (m(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return "7z";
  if (m(0x52, 0x61, 0x72, 0x21)) return "rar";
  if (m(0x00, 0x61, 0x73, 0x6d)) return "wasm";
  // Compiled Python: a two-byte version number (3000-3999 for Python 3, 62211 for 2.7) and \r\n.
  if (b[2] === 0x0d && b[3] === 0x0a && ((b[1]! >= 0x0b && b[1]! <= 0x0f) || m(0x03, 0xf3))) return "pyc";
  if (m(0x25, 0x50, 0x44, 0x46)) return "pdf";
  if (
    m(0x89, 0x50, 0x4e, 0x47) ||
    m(0xff, 0xd8, 0xff) ||
    m(0x47, 0x49, 0x46, 0x38) ||
    m(0x52, 0x49, 0x46, 0x46)
  )
    return "image";
  if (
    m(0x00, 0x01, 0x00, 0x00) ||
    m(0x4f, 0x54, 0x54, 0x4f) ||
    m(0x77, 0x4f, 0x46, 0x46) ||
    m(0x77, 0x4f, 0x46, 0x32)
  )
    return "font";
  return undefined;
}

export function decodeBytes(bytes: Uint8Array): DecodedFile {
  const format = magic(bytes);
  // A NUL byte in the first 8 KiB is how git and grep tell binary from text; text formats never need one.
  const head = bytes.subarray(0, 8192);
  if (format && format !== "pdf") return { binary: true, text: "", invalidUtf8: false, format };
  if (head.includes(0)) return { binary: true, text: "", invalidUtf8: false, format: format ?? "other" };
  try {
    return { binary: false, text: strict.decode(bytes), invalidUtf8: false };
  } catch {
    return { binary: false, text: lenient.decode(bytes), invalidUtf8: true };
  }
}
