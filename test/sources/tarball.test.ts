import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { FileEntry } from "../../src/scan/fileset.js";
import { DEFAULT_TARBALL_LIMITS, readTarball, TarballError } from "../../src/sources/tarball.js";
import { type TarEntry, tarballOf, tarOf } from "../app/tar.js";

const label = "octo/repo@0123456";

async function list(entries: TarEntry[], limits = {}) {
  const fs = await readTarball(await tarballOf(entries), { label, limits });
  const out: FileEntry[] = [];
  for await (const e of fs.list()) out.push(e);
  return { fs, entries: out, byPath: new Map(out.map((e) => [e.path, e])) };
}

async function failure(p: Promise<unknown>): Promise<TarballError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TarballError);
  return err as TarballError;
}

describe("readTarball", () => {
  it("strips the top folder, keeps files in memory and lists node_modules (skill content)", async () => {
    const { fs, entries } = await list([
      { name: "skills/a/", type: "directory" },
      { name: "skills/a/SKILL.md", content: "---\nname: a\n---\nhello" },
      { name: "skills/a/node_modules/x.js", content: "x" },
      { name: ".git/config", content: "x" },
    ]);
    expect(fs.topFolder).toBe("octo-repo-0123456");
    expect(entries).toEqual([
      { path: "skills/a/SKILL.md", kind: "file", size: 21 },
      { path: "skills/a/node_modules/x.js", kind: "file", size: 1 },
      { path: ".git/config", kind: "file", size: 1 },
    ]);
    expect(new TextDecoder().decode(await fs.read("skills/a/SKILL.md", 100))).toBe(
      "---\nname: a\n---\nhello",
    );
    expect((await fs.read("skills/a/SKILL.md", 3)).byteLength).toBe(3);
    await expect(fs.read("nope", 10)).rejects.toThrow(/not a regular file/);
  });

  it("accepts a ReadableStream (the shape Octokit returns with parseSuccessResponseBody: false)", async () => {
    const gz = await tarballOf([{ name: "a/SKILL.md", content: "x" }]);
    const stream = new Blob([gz]).stream();
    const fs = await readTarball(stream, { label });
    expect(fs.size).toBe(1);
  });

  it("keeps a symlink as a symlink entry and never resolves it", async () => {
    const { byPath } = await list([
      { name: "a/SKILL.md", content: "x" },
      { name: "a/key", type: "symlink", linkname: "../../../../home/user/.ssh/id_rsa" },
    ]);
    expect(byPath.get("a/key")).toEqual({
      path: "a/key",
      kind: "symlink",
      size: 0,
      linkTarget: "../../../../home/user/.ssh/id_rsa",
    });
  });

  it("turns a hard link, a fifo and a device into entries with a problem", async () => {
    const { byPath } = await list([
      { name: "a/SKILL.md", content: "x" },
      { name: "a/hard", type: "link", linkname: "octo-repo-0123456/a/SKILL.md" },
      { name: "a/pipe", type: "fifo" },
      { name: "a/tty", type: "character-device" },
    ]);
    expect(byPath.get("a/hard")?.problem).toMatch(/hard link .* not followed/);
    expect(byPath.get("a/pipe")).toMatchObject({ kind: "other", problem: expect.stringMatching(/fifo/) });
    expect(byPath.get("a/tty")?.problem).toMatch(/character-device/);
  });

  it("refuses path traversal, absolute paths and entries outside the top folder, as problems", async () => {
    const { byPath, entries } = await list([
      { name: "a/SKILL.md", content: "x" },
      { name: "a/../../../etc/cron.d/job", content: "evil" },
      { name: "a\\..\\..\\win.ini", content: "evil" },
      { name: "/etc/passwd", content: "evil", raw: true },
      { name: "C:/Windows/evil.dll", content: "evil", raw: true },
      { name: "other-top/x", content: "evil", raw: true },
    ]);
    // The refused names are kept under a harmless path below the folder where they appeared.
    expect(byPath.get("a/%2E%2E/%2E%2E/%2E%2E/etc/cron.d/job")?.problem).toMatch(/climbs out/);
    expect(byPath.get("a/%2E%2E/%2E%2E/win.ini")?.problem).toMatch(/climbs out/);
    expect(byPath.get("etc/passwd")?.problem).toMatch(/absolute path "\/etc\/passwd" refused/);
    expect(byPath.get("C%3A/Windows/evil.dll")?.problem).toMatch(/absolute path/);
    expect(byPath.get("other-top/x")?.problem).toMatch(/outside the archive's top folder/);
    // Nothing refused is readable and no path leaves the root.
    for (const e of entries) {
      expect(e.path.split("/")).not.toContain("..");
      expect(e.path.startsWith("/")).toBe(false);
    }
    expect(entries.filter((e) => e.kind === "file").map((e) => e.path)).toEqual(["a/SKILL.md"]);
  });

  it("keeps only the head of a file over the per-entry limit, with its real size and a hash of all of it", async () => {
    const { byPath, fs } = await list(
      [
        { name: "a/SKILL.md", content: "small" },
        { name: "a/blob.bin", content: `${"y".repeat(1000)}${"z".repeat(1000)}` },
      ],
      { maxEntryBytes: 1000 },
    );
    expect(byPath.get("a/blob.bin")).toEqual({ path: "a/blob.bin", kind: "file", size: 2000 });
    expect(new TextDecoder().decode(await fs.read("a/blob.bin", 5000))).toBe("y".repeat(1000));
    expect(await fs.sha256("a/blob.bin")).toBe(
      createHash("sha256")
        .update(`${"y".repeat(1000)}${"z".repeat(1000)}`)
        .digest("hex"),
    );
  });

  it("marks a path that appears twice instead of keeping either copy", async () => {
    const { byPath } = await list([
      { name: "a/SKILL.md", content: "clean" },
      { name: "a/run.sh", content: "echo hi" },
      { name: "a/run.sh", content: "curl http://example.invalid | sh" },
    ]);
    expect(byPath.get("a/run.sh")?.problem).toMatch(/more than once/);
  });

  it("refuses an over-long path as a problem", async () => {
    const { entries } = await list([{ name: `a/${"x".repeat(300)}`, content: "1" }], { maxPathBytes: 100 });
    expect(entries[0]?.problem).toMatch(/longer than 100 bytes/);
    expect(entries[0]?.path.length).toBeLessThanOrEqual(101);
  });

  it("stops at the entry-count limit with a clear error", async () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `a/f${i}.txt`, content: "1" }));
    const err = await failure(readTarball(await tarballOf(many), { label, limits: { maxEntries: 5 } }));
    expect(err.code).toBe("entry-count");
    expect(err.message).toBe(`${label}: the archive holds more than 5 entries (limit); not scanned`);
  });

  it("stops at the download limit, and before reading when the declared size is over it", async () => {
    const gz = gzipSync(await tarOf([{ name: "a/noise.bin", content: randomBytes(64 * 1024) }]));
    const err = await failure(readTarball(gz, { label, limits: { maxDownloadBytes: 16 * 1024 } }));
    expect(err.code).toBe("download-size");
    expect(err.message).toMatch(/over the 16 KiB download limit/);

    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(gz);
      },
      cancel() {
        cancelled = true;
      },
    });
    const early = await failure(
      readTarball(stream, { label, declaredBytes: 10 * 1024 * 1024 * 1024, limits: DEFAULT_TARBALL_LIMITS }),
    );
    expect(early.message).toMatch(/is 10240 MiB, over the 64 MiB download limit/);
    expect(cancelled).toBe(true);
  });

  it("cancels the download stream when a limit is hit", async () => {
    const gz = gzipSync(await tarOf([{ name: "a/noise.bin", content: randomBytes(64 * 1024) }]));
    let cancelled = false;
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i >= gz.length) return c.close();
        c.enqueue(gz.subarray(i, i + 4096));
        i += 4096;
      },
      cancel() {
        cancelled = true;
      },
    });
    await failure(readTarball(stream, { label, limits: { maxDownloadBytes: 8192 } }));
    expect(cancelled).toBe(true);
    expect(i).toBeLessThan(gz.length);
  });

  it("stops a gzip bomb at the unpacked-size limit", async () => {
    const bomb = await tarballOf([{ name: "a/zeros", content: new Uint8Array(4 * 1024 * 1024) }]);
    expect(bomb.byteLength).toBeLessThan(16 * 1024);
    const err = await failure(
      readTarball(bomb, {
        label,
        limits: { maxUnpackedBytes: 1024 * 1024, maxEntryBytes: 64 * 1024 * 1024 },
      }),
    );
    expect(err.code).toBe("unpacked-size");
    expect(err.message).toMatch(/unpacks to more than 1 MiB/);
  });

  it("reports a corrupt or truncated archive as an error, never as an empty repository", async () => {
    expect((await failure(readTarball(Buffer.from("not gzip at all"), { label }))).code).toBe("corrupt");
    expect((await failure(readTarball(gzipSync(randomBytes(2048)), { label }))).code).toBe("corrupt");
    const gz = await tarballOf([{ name: "a/SKILL.md", content: "x".repeat(5000) }]);
    const cut = await failure(readTarball(gz.subarray(0, gz.length - 40), { label }));
    expect(cut.code).toBe("corrupt");
    expect(cut.message).toMatch(/not a readable gzip'd tar archive/);
    expect((await failure(readTarball(new Uint8Array(0), { label }))).code).toBe("corrupt");
  });
});
