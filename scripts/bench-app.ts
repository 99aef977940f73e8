// Measurement only (never asserted): median time from `probot.receive` of a push to the request that
// completes the check run, against nock, for a 20-skill repository compared with its previous commit.
//
//   npx tsx scripts/bench-app.ts [runs]
//
// Two settings: Probot's default Octokit (its throttling spaces write requests about one second
// apart, as GitHub asks of integrators) and throttling off (the App's own cost: download, unpack,
// scan twice, render).
import "../test/app/polyfill.js";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../src/app/index.js";
import { APP_ID, example, fixtureText, PRIVATE_KEY, TestOctokit } from "../test/app/helpers.js";
import { tarballOf } from "../test/app/tar.js";

const RUNS = Number(process.argv[2] ?? 15);
const HEAD = "b0b0000000000000000000000000000000000001";
const BASE = "b0b0000000000000000000000000000000000000";
const FIXTURES = ["clean-notes", "weather-unlisted", "malicious-invoice", "fixed-invoice"];

async function repo(variant: number): Promise<Buffer> {
  const entries = [];
  for (let i = 0; i < 20; i++) {
    const name = `skill-${String(i).padStart(2, "0")}`;
    const fixture = FIXTURES[(i + variant) % FIXTURES.length]!;
    const md = fixtureText(`${fixture}/SKILL.md`).replace(/^name: .*$/m, `name: ${name}`);
    entries.push({ name: `skills/${name}/SKILL.md`, content: md });
    entries.push({
      name: `skills/${name}/references/notes.md`,
      content: `# Notes for ${name}\n\n${"Plain text. ".repeat(200)}\n`,
    });
    if (fixture === "malicious-invoice")
      entries.push({
        name: `skills/${name}/scripts/convert.py`,
        content: fixtureText("malicious-invoice/scripts/convert.py"),
      });
  }
  return tarballOf(entries, "Codertocat-Hello-World-b0b0000");
}

function mock(head: Buffer, base: Buffer, onComplete: () => void) {
  const api = nock("https://api.github.com");
  const r = "/repos/Codertocat/Hello-World";
  api
    .post("/app/installations/1/access_tokens")
    .reply(201, { token: "t", expires_at: "2099-01-01T00:00:00Z" });
  api.get(`${r}/commits/${HEAD}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
  api.post(`${r}/check-runs`).reply(201, { id: 1 });
  api.get(`${r}/contents/.github%2Fskill-quarantine.yml`).reply(404, {});
  api.get("/repos/Codertocat/.github/contents/.github%2Fskill-quarantine.yml").reply(404, {});
  // The appeals repository (by default the skill's own): blocklist file, appeals and reports.
  api.get(`${r}/contents/.github%2Fskill-quarantine-blocklist.yml`).reply(404, {});
  api
    .get(`${r}/issues`)
    .query((q) => q.labels === "quarantine-appeal")
    .reply(200, []);
  api
    .get(`${r}/issues`)
    .query((q) => q.labels === "skill-report")
    .reply(200, []);
  api.get(`${r}/tarball/${HEAD}`).reply(200, () => head, { "content-type": "application/x-gzip" });
  api.get(`${r}/tarball/${BASE}`).reply(200, () => base, { "content-type": "application/x-gzip" });
  api
    .patch(`${r}/check-runs/1`, (body: { status?: string }) => {
      if (body.status === "completed") onComplete();
      return true;
    })
    .times(10)
    .reply(200, { id: 1 });
}

async function measure(label: string, Octokit: typeof ProbotOctokit) {
  const head = await repo(0);
  const base = await repo(1);
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const probot = new Probot({
      appId: APP_ID,
      privateKey: PRIVATE_KEY,
      secret: "s",
      Octokit,
      logLevel: "fatal",
    });
    await probot.load(createApp({ appId: APP_ID }));
    const payload = example("push", (p) => p.ref === "refs/heads/master" && p.installation);
    Object.assign(payload, { before: BASE, after: HEAD, created: false });
    let done = 0;
    mock(head, base, () => {
      done = performance.now();
    });
    const start = performance.now();
    await probot.receive({ id: `bench-${i}`, name: "push", payload } as never);
    if (!done) throw new Error("the check run was not completed");
    // Every read was answered (a missing one would make the run end in an error, not a scan).
    const missing = nock.pendingMocks().filter((m) => !m.startsWith("PATCH"));
    if (missing.length) throw new Error(`requests not made: ${missing.join(", ")}`);
    if (i > 0) times.push(done - start); // run 0 warms up (rules, grammars, JIT)
    nock.cleanAll();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${label}: median ${median.toFixed(0)} ms over ${times.length} runs (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}); archives ${head.length} + ${base.length} bytes`,
  );
}

nock.disableNetConnect();
await measure("throttling off (the App's own cost)", TestOctokit);
await measure("Probot's default Octokit (throttled writes)", ProbotOctokit);
