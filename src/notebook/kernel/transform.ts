// A code cell as the kernel runs it: TypeScript stripped to JavaScript by
// sucrase (which keeps line numbers), then its top-level declarations turned
// into assignments to the kernel's shared scope, so a later cell sees (and
// may redefine) what an earlier one declared, as in a Jupyter kernel. Imports
// become awaited dynamic imports, the last expression becomes the value the
// cell displays, and every edit stays on its line, so a line in an error
// points into the cell. The result runs inside `with (scope)` in an async
// function, so top-level await works.
import { parse, type Node, type Pattern } from "acorn";
import { transform } from "sucrase";

export interface CellProgram {
  /** The cell's JavaScript, to run as the body of an async function inside `with (scope)`. */
  body: string;
  /** Names the cell declares at top level: they live in the shared scope. */
  declared: string[];
}

/** A mistake the parser found, with its 1-based line in the cell. */
export class CellSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "SyntaxError";
  }
}

/** The helper a rewritten import calls: the kernel's module loader. */
export const IMPORT_HELPER = "__nbImport";
/** The scope object's name inside the cell function (not visible to the cell's own code). */
export const SCOPE_NAME = "__nbScope";

interface Edit {
  at: number;
  /** Characters replaced from `at` (0: an insertion). */
  remove: number;
  text: string;
}

function patternNames(p: Pattern | null, out: string[]): void {
  if (!p) return;
  switch (p.type) {
    case "Identifier":
      out.push(p.name);
      break;
    case "ObjectPattern":
      for (const prop of p.properties) patternNames(prop.type === "RestElement" ? prop.argument : prop.value, out);
      break;
    case "ArrayPattern":
      for (const el of p.elements) patternNames(el, out);
      break;
    case "RestElement":
      patternNames(p.argument, out);
      break;
    case "AssignmentPattern":
      patternNames(p.left, out);
      break;
  }
}

function stripTypes(source: string): string {
  try {
    return transform(source, { transforms: ["typescript"], keepUnusedImports: true, disableESTransforms: true }).code;
  } catch (err) {
    const e = err as Error & { loc?: { line: number } };
    const line = e.loc?.line ?? Number(/\((\d+):\d+\)/.exec(e.message)?.[1] ?? 1);
    throw new CellSyntaxError(e.message.replace(/\s*\(\d+:\d+\)$/, ""), line);
  }
}

/** Rewrites a cell for the shared scope. */
export function transformCell(source: string): CellProgram {
  const js = stripTypes(source);
  let program: Node & { body: Node[] };
  try {
    program = parse(js, { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true }) as never;
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number } };
    throw new CellSyntaxError(e.message.replace(/\s*\(\d+:\d+\)$/, ""), e.loc?.line ?? 1);
  }
  const edits: Edit[] = [];
  const declared: string[] = [];
  const hoisted: string[] = [];
  const src = (n: { start: number; end: number }) => js.slice(n.start, n.end);
  const body = program.body;
  body.forEach((raw, i) => {
    let node = raw as Node & Record<string, never>;
    if (node.type === "ExportNamedDeclaration" && (node as { declaration?: Node }).declaration) {
      const decl = (node as unknown as { declaration: Node }).declaration;
      edits.push({ at: node.start, remove: decl.start - node.start, text: "" });
      node = decl as typeof node;
    }
    const n = node as unknown as {
      type: string;
      start: number;
      end: number;
      kind: string;
      declarations: { id: Pattern; init: Node | null; end: number }[];
      id: { name: string } | null;
      expression: Node;
      specifiers: { type: string; local: { name: string }; imported?: { name?: string; value?: string } }[];
      source: { value: string };
    };
    const endsWithSemicolon = js[n.end - 1] === ";";
    const close = endsWithSemicolon ? n.end - 1 : n.end;
    if (n.type === "VariableDeclaration") {
      // const a = 1, {b} = o;  ->  (a = 1, {b} = o);
      for (const d of n.declarations) {
        patternNames(d.id, declared);
        if (!d.init) edits.push({ at: d.end, remove: 0, text: " = undefined" });
      }
      edits.push({ at: n.start, remove: n.kind.length, text: "(" });
      edits.push({ at: close, remove: 0, text: ")" });
    } else if (n.type === "FunctionDeclaration" && n.id) {
      declared.push(n.id.name);
      hoisted.push(n.id.name); // a hoisted declaration: exported to the scope before the cell's first line runs
    } else if (n.type === "ClassDeclaration" && n.id) {
      declared.push(n.id.name);
      edits.push({ at: n.start, remove: 0, text: `${n.id.name} = ` });
      if (!endsWithSemicolon) edits.push({ at: n.end, remove: 0, text: ";" });
    } else if (n.type === "ImportDeclaration") {
      const parts: string[] = [];
      for (const s of n.specifiers) {
        declared.push(s.local.name);
        if (s.type === "ImportDefaultSpecifier") parts.push(`default: ${s.local.name}`);
        else if (s.type === "ImportNamespaceSpecifier") parts.push(`...${s.local.name}`);
        else parts.push(`${JSON.stringify(s.imported?.name ?? s.imported?.value)}: ${s.local.name}`);
      }
      const namespace = n.specifiers.find((s) => s.type === "ImportNamespaceSpecifier");
      const call = `await ${IMPORT_HELPER}(${JSON.stringify(n.source.value)})`;
      const text = namespace ? `(${namespace.local.name} = ${call})` : `({${parts.join(", ")}} = ${call})`;
      // Keep the statement's line count: the replacement goes on its first line, its other lines stay blank.
      const lines = src(n).split("\n").length - 1;
      edits.push({ at: n.start, remove: n.end - n.start, text: text + ";" + "\n".repeat(lines) });
    } else if (n.type === "ExpressionStatement" && i === body.length - 1) {
      edits.push({ at: n.expression.start, remove: 0, text: "return (" });
      edits.push({ at: n.expression.end, remove: 0, text: ")" });
    }
  });
  edits.sort((a, b) => b.at - a.at || b.remove - a.remove);
  let out = js;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.remove);
  // Hoisted function declarations reach the scope before anything else runs (on line 1, so lines stay put).
  const exportFns = hoisted.map((f) => `${SCOPE_NAME}.${f} = ${f};`).join(" ");
  return { body: exportFns + out, declared: [...new Set(declared)] };
}
