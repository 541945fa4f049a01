// A notebook checked against the official nbformat 4.5 schema, each problem
// named by its JSON path (cells[3].outputs[0].output_type), as `nvmesim nb
// check` and the tests report them.
import Ajv from "ajv-draft-04";
import schema from "./schema/nbformat.v4.5.schema.json";

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function jsonPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
}

/** Problems with a parsed .ipynb document; empty when it is valid nbformat 4.5. */
export function notebookProblems(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => {
    const at = jsonPath(e.instancePath) || "(notebook)";
    const extra = e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : "";
    return `${at}: ${e.message ?? "invalid"}${extra}`;
  });
}
