// A notebook checked against the official nbformat 4.5 schema, each problem
// named by its JSON path (cells[3].outputs[0].output_type), as `nvmesim nb
// check`, the notebook server and the tests report them. The schema says a
// cell is one of three kinds and an output one of four, so a failing cell
// would get every kind's complaints at once; each cell and output is checked
// instead against the kind it says it is (its cell_type, its output_type).
import Ajv, { type ValidateFunction } from "ajv-draft-04";
import schema from "./schema/nbformat.v4.5.schema.json";

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(schema, "nbformat");
const validate = ajv.getSchema("nbformat")!;
const definition = (name: string) => ajv.compile({ $ref: `nbformat#/definitions/${name}` });

const CELLS: Record<string, ValidateFunction> = {
  raw: definition("raw_cell"),
  markdown: definition("markdown_cell"),
  code: definition("code_cell"),
};
const OUTPUTS: Record<string, ValidateFunction> = {
  execute_result: definition("execute_result"),
  display_data: definition("display_data"),
  stream: definition("stream"),
  error: definition("error"),
};

function jsonPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
}

/** The problems `check` finds in `doc`, their paths under `base` (a JSON pointer). */
function problems(check: ValidateFunction, doc: unknown, base: string): string[] {
  if (check(doc)) return [];
  return (check.errors ?? []).map((e) => {
    const where = jsonPath(base + e.instancePath) || "(notebook)";
    const extra = e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : "";
    const allowed = e.params && "allowedValues" in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : "";
    return `${where}: ${e.message ?? "invalid"}${allowed}${extra}`;
  });
}

/** Checks one item against the definition its `kindKey` names; `kinds` are the allowed ones. */
function kindProblems(item: unknown, kindKey: string, kinds: Record<string, ValidateFunction>, base: string): string[] {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return [`${jsonPath(base)}: must be object`];
  const o = item as Record<string, unknown>;
  const check = kinds[String(o[kindKey])];
  if (typeof o[kindKey] !== "string" || !check)
    return [
      `${jsonPath(base)}.${kindKey}: ${JSON.stringify(o[kindKey])} is not one of ${Object.keys(kinds).join(", ")}`,
    ];
  if (!Array.isArray(o.outputs) || o.cell_type !== "code") return problems(check, item, base);
  // A code cell without its outputs, then each output against its own kind.
  return [
    ...problems(check, { ...o, outputs: [] }, base),
    ...o.outputs.flatMap((out, k) => kindProblems(out, "output_type", OUTPUTS, `${base}/outputs/${k}`)),
  ];
}

/** Problems with a parsed .ipynb document; empty when it is valid nbformat 4.5. */
export function notebookProblems(doc: unknown): string[] {
  if (validate(doc)) return [];
  const d = doc as Record<string, unknown> | null;
  if (typeof d !== "object" || d === null || !Array.isArray(d.cells)) return problems(validate, doc, "");
  const found = [
    ...problems(validate, { ...d, cells: [] }, ""),
    ...d.cells.flatMap((cell, i) => kindProblems(cell, "cell_type", CELLS, `/cells/${i}`)),
  ];
  return found.length ? found : problems(validate, doc, "");
}
