import type { SNode } from "./syntax.js";
import type { Engine } from "./taint-engine.js";
import type { Label, Loc, Value } from "./values.js";

// What every language's call table is handed: one call, its arguments already evaluated by the
// walker. A language's `calls.ts` maps qualified names (`subprocess.run`, `fs.readFileSync`) to a
// model of what the call does (a source, a sink, a value it returns); its `walker.ts` walks the
// tree, keeps the scopes and builds the Call. The tables never import their walker: they ask it
// only for what `Walk` names, so the two files stay one-way.

export interface Call {
  node: SNode;
  at: Loc;
  /** The object of a method call (`s` in `s.send(x)`), evaluated. */
  receiver?: Value;
  /** Positional arguments, in order. */
  args: Value[];
  /** Keyword arguments (Python's `f(url=…)`); empty in a language without them. */
  keywords: ReadonlyMap<string, Value>;
  /** The receiver variable of a method call, so mutating methods (append, update, add) can taint it. */
  receiverName?: string;
  method?: string;
  /** What callbacks among the arguments receive, when the model knows (node-style `(err, data)`). */
  callbackArgs?: Value[];
  /** The call's value is what its callback returns: as a list (`map`) or as is (`then`). */
  cbResult?: "list" | "value";
}

/** For a language without keyword arguments. */
export const NO_KEYWORDS: ReadonlyMap<string, Value> = new Map();

/** What a call model may ask of the walker that calls it. */
export interface Walk {
  readonly engine: Engine;
  readonly src: string;
  /** A mutating method (`lst.append(x)`, `d.update(x)`) taints the receiver variable. */
  taintReceiver(c: Call, labels: readonly Label[] | undefined): void;
}

/** What a call does, given the walker `W` it runs in: its value, after telling the engine its effects. */
export type CallModel<W extends Walk> = (walker: W, call: Call) => Value;
