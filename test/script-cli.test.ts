import { describe, expect, it } from "vitest";
import { parseFolderArgs, UsageError } from "../src/node/script-cli.js";

describe("parseFolderArgs (npm run bench / eval)", () => {
  const options = { rounds: { type: "string" }, verbose: { type: "boolean", default: false } } as const;
  const parse = (argv: string[]) => parseFolderArgs(argv, options, "usage: …", "corpus folder");

  it("takes one folder and the options", () => {
    expect(parse(["corpus", "--rounds", "3"])).toEqual({
      dir: "corpus",
      values: { rounds: "3", verbose: false },
    });
  });

  it("refuses no folder, two folders and unknown options with a usage error that says so", () => {
    expect(() => parse([])).toThrow(new UsageError("give exactly one corpus folder"));
    expect(() => parse(["a", "b"])).toThrow(UsageError);
    expect(() => parse(["a", "--round", "3"])).toThrow(/Unknown option '--round'/);
  });
});
