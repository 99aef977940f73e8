import type { Tree } from "@vscode/tree-sitter-wasm";

// A plain-object copy of a tree-sitter tree, made in one cursor pass. Every property access on a
// web-tree-sitter Node crosses into WASM and allocates; walking this copy does not, which makes
// the analysis several times faster. Only what the walkers use is kept.

export class SNode {
  readonly children: SNode[] = [];
  parent: SNode | null = null;
  private named: SNode[] | undefined;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    /** The field name this node has in its parent ("function", "arguments", …). */
    readonly field: string | null,
    /** -1 for anonymous tokens (their text is their type). */
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}

  get namedChildren(): SNode[] {
    if (!this.named) this.named = this.children.filter((c) => c.isNamed);
    return this.named;
  }

  get firstNamedChild(): SNode | null {
    return this.namedChildren[0] ?? null;
  }

  childForFieldName(name: string): SNode | null {
    for (const c of this.children) if (c.field === name) return c;
    return null;
  }

  childrenForFieldName(name: string): SNode[] {
    return this.children.filter((c) => c.field === name);
  }

  /** Descendants (not this node) of the given types, in document order. */
  descendantsOfType(types: string | readonly string[]): SNode[] {
    const want = typeof types === "string" ? [types] : types;
    const out: SNode[] = [];
    const stack: SNode[] = [...this.children].reverse();
    while (stack.length) {
      const n = stack.pop() as SNode;
      if (want.includes(n.type)) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as SNode);
    }
    return out;
  }
}

/**
 * Copies `tree`. Stops after `maxNodes` nodes, and does not copy below `maxDepth` (the walkers stop
 * descending long before; an attacker's deeply nested file would otherwise cost seconds here).
 */
export function toSyntax(tree: Tree, maxNodes = 300_000, maxDepth = 512): SNode {
  const cursor = tree.walk();
  const language = tree.language;
  const types = language.types;
  const fields = language.fields;
  const namedById = new Map<number, boolean>();
  const stack: SNode[] = [];
  let root: SNode | undefined;
  let count = 0;
  try {
    for (;;) {
      const id = cursor.nodeTypeId;
      let named = namedById.get(id);
      if (named === undefined) {
        named = cursor.nodeIsNamed;
        namedById.set(id, named);
      }
      const fid = cursor.currentFieldId;
      // Anonymous tokens (punctuation, operators) are only ever looked at by type: skip their
      // positions, which saves two of the five calls into WASM per node.
      const node = new SNode(
        types[id] ?? "ERROR",
        named,
        fid ? (fields[fid] ?? null) : null,
        named ? cursor.startIndex : -1,
        named ? cursor.endIndex : -1,
      );
      count++;
      const parent = stack[stack.length - 1];
      if (parent) {
        node.parent = parent;
        parent.children.push(node);
      } else root = node;
      if (count < maxNodes && stack.length < maxDepth && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!(count < maxNodes && cursor.gotoNextSibling())) {
        if (!stack.length || !cursor.gotoParent()) return root ?? node;
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}
