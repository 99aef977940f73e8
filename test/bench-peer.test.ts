import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/scan/scan-config.js";
import { type Peer, timePeer } from "../tools/bench/peer.js";

// The benchmark's peer run must hand the peer what its own scan-imported-skills script would: one
// text per skill (`# name`, description, content joined by blank lines), SKILL.md first, every text
// file of the skill included and binaries left out, nested skills apart from their parent.

let dir: string;
const FILES: Record<string, string | Uint8Array> = {
  "a/SKILL.md": "---\nname: alpha\ndescription: 'Does A.'\n---\n# A\n",
  "a/scripts/run.py": "print('a')\n",
  "a/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]),
  "a/inner/SKILL.md": "---\nname: inner\n---\n# Inner\n",
  "a/inner/x.sh": "echo inner\n",
  "b/SKILL.md": "# No frontmatter\n",
  "loose.txt": "not in any skill\n",
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-peer-"));
  for (const [p, v] of Object.entries(FILES)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), v);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("timePeer", () => {
  it("scans each skill once with its text files joined as the peer's script does", async () => {
    const seen = new Map<string, string>();
    const peer: Peer = {
      version: "test",
      scanner: {
        scan(id, content) {
          seen.set(id, content);
          return { findings: [1] };
        },
      },
    };
    const run = await timePeer(dir, defaultConfig(), peer);
    expect(run.skills).toBe(3);
    expect(run.findings).toBe(3);
    expect(run.files).toBe(6); // every file of a skill is read (the loose one is not)
    expect([...seen.keys()].sort()).toEqual(["a/", "a/inner/", "b/"]);
    expect(seen.get("a/")).toBe(
      "# alpha\n\nDoes A.\n\n---\nname: alpha\ndescription: 'Does A.'\n---\n# A\n\n\nprint('a')\n",
    );
    expect(seen.get("a/inner/")).toBe("# inner\n\n---\nname: inner\n---\n# Inner\n\n\necho inner\n");
    expect(seen.get("b/")).toBe("# b\n\n# No frontmatter\n");
  });
});
