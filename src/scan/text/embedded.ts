/**
 * The printable ASCII runs of a binary file (like `strings`), one per line: a payload appended to an
 * image or hidden in a font is plain text inside bytes that reviewers and text scanners skip. Runs
 * shorter than MIN_RUN are noise; at most MAX_TEXT characters are kept.
 */
const MIN_RUN = 12;
const MAX_TEXT = 1 << 20;
const LATIN1 = new TextDecoder("latin1");

export function embeddedText(bytes: Uint8Array): string {
  const runs: string[] = [];
  let size = 0;
  let start = -1;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i]! : 0;
    const printable = (b >= 0x20 && b < 0x7f) || b === 0x09;
    if (printable) {
      if (start === -1) start = i;
      continue;
    }
    // A newline inside a printable stretch keeps a script's lines together.
    if ((b === 0x0a || b === 0x0d) && start !== -1 && i + 1 < bytes.length) {
      const next = bytes[i + 1]!;
      if ((next >= 0x20 && next < 0x7f) || next === 0x0a || next === 0x0d || next === 0x09) continue;
    }
    if (start !== -1 && i - start >= MIN_RUN) {
      const run = LATIN1.decode(bytes.subarray(start, Math.min(i, start + MAX_TEXT - size)));
      runs.push(run);
      size += run.length + 1;
      if (size >= MAX_TEXT) break;
    }
    start = -1;
  }
  return runs.join("\n");
}
