import { gzipSync } from "node:zlib";
import { pack as tarPack } from "tar-stream";

// Builds GitHub-shaped tarballs in memory for tests: every entry below `owner-repo-sha/`, as
// `GET /repos/{owner}/{repo}/tarball/{ref}` serves them.

export interface TarEntry {
  /** Name as written into the archive (not prefixed when `raw` is set). */
  name: string;
  content?: string | Uint8Array;
  type?: "file" | "symlink" | "link" | "directory" | "fifo" | "character-device";
  linkname?: string;
  /** Write `name` exactly as given instead of below the top folder. */
  raw?: boolean;
}

export async function tarOf(entries: TarEntry[], top = "octo-repo-0123456"): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  pack.entry({ name: `${top}/`, type: "directory" });
  for (const e of entries) {
    const name = e.raw ? e.name : `${top}/${e.name}`;
    const type = e.type ?? "file";
    if (type === "file") pack.entry({ name, type }, Buffer.from(e.content ?? ""));
    else pack.entry({ name, type, linkname: e.linkname });
  }
  pack.finalize();
  await ended;
  // GitHub's archives (git archive) open with a pax global header holding the commit id.
  return Buffer.concat([paxGlobalHeader("0123456789abcdef0123456789abcdef01234567"), ...chunks]);
}

/** A ustar header of type "g" (pax global extended header) with one `comment` record. */
function paxGlobalHeader(comment: string): Buffer {
  const rec = (k: string, v: string) => {
    const body = ` ${k}=${v}\n`;
    let n = body.length + 2;
    while (`${n}${body}`.length !== n) n++;
    return `${n}${body}`;
  };
  const data = Buffer.from(rec("comment", comment));
  const h = Buffer.alloc(512);
  const put = (s: string, off: number) => h.write(s, off, "latin1");
  put("pax_global_header", 0);
  put("0000666\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
  put("00000000000\0", 136);
  put("        ", 148);
  put("g", 156);
  put("ustar\0", 257);
  put("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad]);
}

export async function tarballOf(entries: TarEntry[], top?: string): Promise<Buffer> {
  return gzipSync(await tarOf(entries, top));
}

/** Files of a repository (path → text) as a GitHub tarball. */
export function repoTarball(files: Record<string, string>, top?: string): Promise<Buffer> {
  return tarballOf(
    Object.entries(files).map(([name, content]) => ({ name, content })),
    top,
  );
}
