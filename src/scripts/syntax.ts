import type { Language, Tree, TreeCursor } from "@vscode/tree-sitter-wasm";

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

/** One step of the copy's walk: the tree-sitter cursor, reached one of two ways (see below). */
interface CursorSteps {
  typeId(): number;
  isNamed(): boolean;
  fieldId(): number;
  startIndex(): number;
  endIndex(): number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

/** Through web-tree-sitter's TreeCursor: each call writes the cursor's state into WASM and reads it back. */
class PublicCursor implements CursorSteps {
  constructor(private readonly c: TreeCursor) {}
  typeId = () => this.c.nodeTypeId;
  isNamed = () => this.c.nodeIsNamed;
  fieldId = () => this.c.currentFieldId;
  startIndex = () => this.c.startIndex;
  endIndex = () => this.c.endIndex;
  gotoFirstChild = () => this.c.gotoFirstChild();
  gotoNextSibling = () => this.c.gotoNextSibling();
  gotoParent = () => this.c.gotoParent();
  delete = () => this.c.delete();
}

type Call = (tree: number) => number;
const CALLS = {
  typeId: "current_node_type_id",
  isNamed: "current_node_is_named",
  fieldId: "current_field_id",
  startIndex: "start_index",
  endIndex: "end_index",
  gotoFirstChild: "goto_first_child",
  gotoNextSibling: "goto_next_sibling",
  gotoParent: "goto_parent",
  delete: "delete",
} as const;
type Calls = Record<keyof typeof CALLS, Call>;

let runtimeModule: Record<string, unknown> | undefined;

/**
 * Lets the copy call the runtime's cursor functions directly. `module` is the options object given to
 * web-tree-sitter's Parser.init: Emscripten makes that object the module and puts the exported
 * functions on it (`_ts_tree_cursor_goto_first_child_wasm`, …). Returns false, and the copy keeps to
 * the public TreeCursor, when one of the functions is not there (another runtime build).
 */
export function enableDirectTreeCopy(module: unknown): boolean {
  const m = module as Record<string, unknown> | null | undefined;
  const ok = !!m && Object.values(CALLS).every((c) => typeof m[`_ts_tree_cursor_${c}_wasm`] === "function");
  runtimeModule = ok ? (m as Record<string, unknown>) : undefined;
  return ok;
}

/**
 * The same calls without the round trip. Every `_ts_tree_cursor_*_wasm` function reads the cursor's
 * state from the runtime's transfer buffer, and the moves write the new state back there; the
 * public TreeCursor copies that state in and out of a JS object around each call (four setValue and
 * four getValue), which cost more than the calls themselves. Between two of our calls nothing else
 * touches the buffer (the copy makes no other tree-sitter call), so the state there stays current.
 */
class DirectCursor implements CursorSteps {
  private constructor(
    private readonly f: Calls,
    private readonly tree: number,
  ) {}

  /** Undefined when direct calls are not enabled or `tree` has no WASM address. */
  static open(tree: Tree, cursor: TreeCursor): DirectCursor | undefined {
    const m = runtimeModule;
    const address = (tree as unknown as Record<number, unknown>)[0];
    if (!m || typeof address !== "number" || address <= 0) return undefined;
    // Looked up per tree, not kept: the runtime replaces each function by the raw WASM export on
    // its first call, and the raw export is the cheaper one to hold.
    const f = {} as Calls;
    for (const [k, c] of Object.entries(CALLS)) f[k as keyof Calls] = m[`_ts_tree_cursor_${c}_wasm`] as Call;
    // The public getter writes this cursor's state into the transfer buffer: the calls start from there.
    void cursor.nodeTypeId;
    return new DirectCursor(f, address);
  }

  typeId = () => this.f.typeId(this.tree);
  isNamed = () => this.f.isNamed(this.tree) === 1;
  fieldId = () => this.f.fieldId(this.tree);
  startIndex = () => this.f.startIndex(this.tree);
  endIndex = () => this.f.endIndex(this.tree);
  gotoFirstChild = () => this.f.gotoFirstChild(this.tree) === 1;
  gotoNextSibling = () => this.f.gotoNextSibling(this.tree) === 1;
  gotoParent = () => this.f.gotoParent(this.tree) === 1;
  /** Frees the state in the buffer: the JS TreeCursor's own copy is stale once a move has run. */
  delete = () => void this.f.delete(this.tree);
}

/** Whether the next copy would call the runtime directly (for tests and the benchmark). */
export function directTreeCopy(): boolean {
  return runtimeModule !== undefined;
}

/**
 * Copies `tree`. Stops after `maxNodes` nodes, and does not copy below `maxDepth` (the walkers stop
 * descending long before; an attacker's deeply nested file would otherwise cost seconds here).
 * `direct: false` keeps to the public TreeCursor (the tests compare both).
 */
export function toSyntax(tree: Tree, maxNodes = 300_000, maxDepth = 512, direct = true): SNode {
  const cursor = tree.walk();
  const steps: CursorSteps = (direct && DirectCursor.open(tree, cursor)) || new PublicCursor(cursor);
  try {
    return copy(steps, tree.language, maxNodes, maxDepth);
  } finally {
    steps.delete();
  }
}

function copy(cursor: CursorSteps, language: Language, maxNodes: number, maxDepth: number): SNode {
  const types = language.types;
  const fields = language.fields;
  const namedById = new Map<number, boolean>();
  const stack: SNode[] = [];
  let root: SNode | undefined;
  let count = 0;
  for (;;) {
    const id = cursor.typeId();
    let named = namedById.get(id);
    if (named === undefined) {
      named = cursor.isNamed();
      namedById.set(id, named);
    }
    const fid = cursor.fieldId();
    // Anonymous tokens (punctuation, operators) are only ever looked at by type: skip their
    // positions, which saves two of the five calls into WASM per node.
    const node = new SNode(
      types[id] ?? "ERROR",
      named,
      fid ? (fields[fid] ?? null) : null,
      named ? cursor.startIndex() : -1,
      named ? cursor.endIndex() : -1,
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
}
