import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// README "Architecture": in the App, src/app/github/ is the only folder that talks to GitHub. Every
// other App module calls a named function there (replyToComment-style: octokit and plain arguments),
// so the requests the App makes can be read, budgeted and tested in one place. The files are parsed
// (not grepped), so a comment that mentions `octokit.rest` is no call, and an alias
// (`const gh = context.octokit; gh.rest.pulls.get(…)`) still is one.

const root = join(dirname(new URL(import.meta.url).pathname), "..", "..");
const SEAM = "src/app/github/";

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const CLIENT_METHODS = new Set(["paginate", "request", "graphql"]);

/** Every use of an Octokit's API in `source`, as "file:line: code". Passing an octokit along is not a use. */
function octokitCalls(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node)) {
      const name = node.name.text;
      const target = node.expression;
      const onOctokit =
        (ts.isPropertyAccessExpression(target) && target.name.text === "octokit") ||
        (ts.isIdentifier(target) && /octokit$/i.test(target.text));
      // `x.octokit.anything`, `<any>.rest` (REST methods, whatever the client is called),
      // and `octokit.paginate / request / graphql`.
      if (
        (ts.isPropertyAccessExpression(target) && target.name.text === "octokit") ||
        name === "rest" ||
        (onOctokit && CLIENT_METHODS.has(name))
      ) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
        found.push(`${file}:${line + 1}: ${node.getText(sf)}`);
        return; // one report per expression, not one per link of its chain
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe("src/app/github/ is the App's only caller of Octokit", () => {
  it("finds the uses it must find, and not a mere hand-over or a comment", () => {
    const sample = [
      "// octokit.rest.issues.get in a comment is no call",
      "await context.octokit.rest.issues.createComment({ body });",
      "const gh = context.octokit;",
      "await gh.rest.pulls.get({ pull_number: 1 });",
      "await octokit.paginate(list, {});",
      'await octokit.request("GET /app");',
      "await repo.octokit.graphql(`query { viewer { login } }`);",
      "await jwt.rest.apps.getAuthenticated();",
      "await addReaction(context.octokit, thread, 1, '+1');",
      "const { octokit } = context;",
    ].join("\n");
    const calls = octokitCalls("src/app/sample.ts", sample).map((c) => c.split(": ")[0]);
    expect(calls).toEqual([
      "src/app/sample.ts:2",
      "src/app/sample.ts:4",
      "src/app/sample.ts:5",
      "src/app/sample.ts:6",
      "src/app/sample.ts:7",
      "src/app/sample.ts:8",
    ]);
  });

  it("reads the App's files, src/app/github/ included (where the calls are)", () => {
    const files = tsFiles("src/app");
    expect(files).toContain("src/app/handlers/handle-comment.ts");
    const inSeam = files
      .filter((f) => f.startsWith(SEAM))
      .flatMap((f) => octokitCalls(f, readFileSync(join(root, f), "utf8")));
    expect(inSeam.length).toBeGreaterThan(10);
  });

  it("no App module outside src/app/github/ uses an Octokit's API", () => {
    const calls = tsFiles("src/app")
      .filter((f) => !f.startsWith(SEAM))
      .flatMap((f) => octokitCalls(f, readFileSync(join(root, f), "utf8")));
    expect(calls, "move each call behind a named function in src/app/github/").toEqual([]);
  });
});
