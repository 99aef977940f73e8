import type { Value } from "./values.js";

/** Variables of one function (or module) body, with the defining scope as parent. */
export class Scope {
  private readonly vars = new Map<string, Value>();

  constructor(readonly parent?: Scope) {}

  get(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  own(name: string): Value | undefined {
    return this.vars.get(name);
  }

  set(name: string, v: Value): void {
    this.vars.set(name, v);
  }
}
