import { describe, expect, it } from "vitest";
import { markdownContext } from "../src/scan/markdown/context.js";

/** The context at the first occurrence of `needle` in `doc`. */
function at(doc: string, needle: string, base = 0, prefix = ""): string {
  const i = doc.indexOf(needle);
  if (i === -1) throw new Error(`${needle} not in document`);
  return markdownContext(doc.slice(prefix.length), base)(i);
}

describe("markdownContext", () => {
  it("tells fenced and indented code from prose", () => {
    const doc = [
      "# Title",
      "",
      "Run NEEDLE1 first.",
      "",
      "```bash",
      "curl NEEDLE2",
      "```",
      "",
      "    indented NEEDLE3",
      "",
      "~~~~",
      "```",
      "still NEEDLE4",
      "~~~~",
      "after NEEDLE5",
    ].join("\n");
    expect(at(doc, "NEEDLE1")).toBe("prose");
    expect(at(doc, "NEEDLE2")).toBe("code-block");
    expect(at(doc, "NEEDLE3")).toBe("code-block");
    expect(at(doc, "NEEDLE4")).toBe("code-block");
    expect(at(doc, "NEEDLE5")).toBe("prose");
  });

  it("finds inline code, links and comments at exact offsets, also inside lists and quotes", () => {
    const doc = [
      "Use `rm -rf NEEDLE1` with care, not NEEDLE2.",
      "",
      "- item one",
      "",
      "    second paragraph of the item with `NEEDLE3` and NEEDLE4",
      "",
      "> quoted `NEEDLE5` text",
      "",
      "See [the NEEDLE6 docs](https://example.org) and <!-- NEEDLE7 --> here.",
      "",
      "| a | b |",
      "|---|---|",
      "| `NEEDLE8` | NEEDLE9 |",
    ].join("\n");
    expect(at(doc, "NEEDLE1")).toBe("inline-code");
    expect(at(doc, "NEEDLE2")).toBe("prose");
    expect(at(doc, "NEEDLE3")).toBe("inline-code");
    expect(at(doc, "NEEDLE4")).toBe("prose");
    expect(at(doc, "NEEDLE5")).toBe("inline-code");
    expect(at(doc, "NEEDLE6")).toBe("link");
    expect(at(doc, "NEEDLE7")).toBe("html-comment");
    expect(at(doc, "NEEDLE8")).toBe("inline-code");
    expect(at(doc, "NEEDLE9")).toBe("prose");
  });

  it("a fence inside a list item is code; an unclosed fence runs to the end", () => {
    const doc = [
      "1. Step:",
      "   ```sh",
      "   wget NEEDLE1",
      "   ```",
      "2. Then NEEDLE2",
      "```",
      "NEEDLE3",
    ].join("\n");
    expect(at(doc, "NEEDLE1")).toBe("code-block");
    expect(at(doc, "NEEDLE2")).toBe("prose");
    expect(at(doc, "NEEDLE3")).toBe("code-block");
  });

  it("HTML comment blocks are comments, other HTML blocks weigh as prose", () => {
    const doc = ["<!--", "hidden NEEDLE1", "-->", "", "<details>", "shown NEEDLE2", "</details>"].join("\n");
    expect(at(doc, "NEEDLE1")).toBe("html-comment");
    expect(at(doc, "NEEDLE2")).toBe("prose");
  });

  it("keeps offsets right with CRLF line ends and a body that starts after frontmatter", () => {
    const front = "---\r\nname: x\r\n---\r\n";
    const doc = `${front}Text\r\n\r\n\`\`\`\r\nNEEDLE1\r\n\`\`\`\r\nand \`NEEDLE2\` then NEEDLE3\r\n`;
    expect(at(doc, "NEEDLE1", front.length, front)).toBe("code-block");
    expect(at(doc, "NEEDLE2", front.length, front)).toBe("inline-code");
    expect(at(doc, "NEEDLE3", front.length, front)).toBe("prose");
  });

  it("finds inline code deep inside a paragraph longer than one parse piece, and on a huge line", () => {
    const filler = "words and more words in one long paragraph\n".repeat(300); // ~13 kB, one paragraph
    const doc = `${filler}then \`NEEDLE1\` and NEEDLE2\n${filler}`;
    expect(at(doc, "NEEDLE1")).toBe("inline-code");
    expect(at(doc, "NEEDLE2")).toBe("prose");
    const line = `text ${"<!-- x ".repeat(5000)}tail \`NEEDLE3\` end`;
    expect(at(line, "NEEDLE3")).toBe("inline-code");
  });

  it("answers prose outside the document and for empty input", () => {
    expect(markdownContext("", 0)(0)).toBe("prose");
    expect(markdownContext("`x`", 10)(3)).toBe("prose");
    expect(markdownContext("`x`", 10)(11)).toBe("inline-code");
  });
});
