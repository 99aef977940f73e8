import { describe, expect, it } from "vitest";
import { KeywordIndex } from "../src/scan/text/keywords.js";

// Property test: the one-pass index agrees with a naive `includes` per keyword on random texts.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("KeywordIndex", () => {
  it("finds exactly the keywords a naive search finds", () => {
    const rand = rng(42);
    const alphabet = "ab.c/~ é\n\u{1F600}";
    const pick = (n: number) =>
      Array.from({ length: n }, () => [...alphabet][Math.floor(rand() * 9)]).join("");
    for (let round = 0; round < 300; round++) {
      const keywords = Array.from({ length: 1 + Math.floor(rand() * 8) }, () =>
        pick(2 + Math.floor(rand() * 3)),
      );
      const text = pick(Math.floor(rand() * 200));
      const expected = new Set(keywords.filter((k) => text.includes(k)));
      expect(new KeywordIndex(keywords).present(text)).toEqual(expected);
    }
  });

  it("locates every occurrence, overlapping ones included, and gives up past the cap", () => {
    const idx = new KeywordIndex(["user", "users", "ser", "curl"]);
    const hits = idx.locate("users: curl user-ser");
    expect(hits.get("user")).toEqual([0, 12]);
    expect(hits.get("users")).toEqual([0]);
    expect(hits.get("ser")).toEqual([1, 13, 17]);
    expect(hits.get("curl")).toEqual([7]);
    expect(idx.locate("user ".repeat(5), 3).get("user")).toBeNull();
    const rand = rng(7);
    for (let round = 0; round < 200; round++) {
      const text = Array.from({ length: 80 }, () => "usercl "[Math.floor(rand() * 7)]).join("");
      for (const [k, at] of idx.locate(text)) {
        const naive: number[] = [];
        for (let i = text.indexOf(k); i !== -1; i = text.indexOf(k, i + 1)) naive.push(i);
        expect(at, k).toEqual(naive);
      }
    }
  });

  it("handles empty text and one-character texts", () => {
    const idx = new KeywordIndex(["ab", "curl"]);
    expect(idx.present("").size).toBe(0);
    expect(idx.present("a").size).toBe(0);
    expect([...idx.present("xcurl ab")].sort()).toEqual(["ab", "curl"]);
  });
});
