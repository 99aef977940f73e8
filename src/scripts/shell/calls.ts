import { UNKNOWN } from "../paths.js";
import type { Engine } from "../taint-engine.js";
import type { Loc, Value } from "../values.js";

// What shell redirections mean to the taint engine. Commands themselves (curl, base64, bash -c…)
// are modelled in ../shell-command-models.ts, because Python's subprocess, Node's child_process and
// PowerShell start the same programs; the shell walk (walker.ts) hands both their evaluated words.

/** Output redirected to one of these goes nowhere a reader of the skill should worry about. */
const HARMLESS_TARGET = /^&?\d$|^&-$|^\/dev\/(null|stderr|stdout)$/;

/**
 * `> file`, `>> file`, `&> /dev/tcp/host/port`: a command's output written to a file or sent to a
 * host. Answers whether the output left the command's stdout (then the statement prints nothing).
 */
export function redirectOutput(engine: Engine, at: Loc, op: string, target: Value, out: Value): boolean {
  const s = target.text ?? "";
  if (HARMLESS_TARGET.test(s)) return false;
  if (/^\/dev\/(tcp|udp)\//.test(s))
    engine.send(at, { url: { text: `tcp://${s.split("/")[3] ?? ""}/` }, body: [out] }, "a /dev/tcp redirect");
  else engine.write(at, target, out, op === ">>" ? "an append (>>)" : "a redirect (>)");
  return true;
}

/** `< file`: the command reads the file on its stdin. */
export function redirectInput(engine: Engine, at: Loc, target: Value): Value {
  return { text: UNKNOWN, labels: engine.read(at, target, "<") };
}
