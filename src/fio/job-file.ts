// fio's job descriptions: job files ([global] and job sections, `;` and `#`
// comments, `name=value` or a bare flag, ${VAR} from the environment)
// and fio's command line (options before the first --name are global,
// --name starts a job, other words are job files). Each job comes out with
// the global options in force where it was written, in order, as fio keeps
// them; what the options mean is jobs.ts's.

/** One option as written, and where. */
export interface WrittenOption {
  name: string;
  /** undefined for a bare flag (`group_reporting`). */
  value?: string;
  /** "FILE:LINE" or "command line". */
  at: string;
}

export interface WrittenJob {
  name: string;
  /** The [global] options in force for this job, then its own. */
  global: WrittenOption[];
  options: WrittenOption[];
  at: string;
}

/** A mistake in a job file or on the command line: where, and what. */
export class JobFileError extends Error {}

/** The environment ${VAR} reads, and where notes go (an unset variable reads as empty, as in fio, with a note). */
export interface Environment {
  vars: Readonly<Record<string, string | undefined>>;
  notes: string[];
}

function expand(text: string, env: Environment, at: string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const value = env.vars[name];
    if (value === undefined) env.notes.push(`${at}: \${${name}} is not set in the environment: fio reads it as empty`);
    return value ?? "";
  });
}

function option(text: string, at: string): WrittenOption {
  const eq = text.indexOf("=");
  const name = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new JobFileError(`${at}: '${text}' is not an option (NAME or NAME=VALUE)`);
  return eq < 0 ? { name, at } : { name, value: text.slice(eq + 1).trim(), at };
}

/** Reads an included file (fio's `include FILE`), or throws. */
export type ReadFile = (file: string) => string;

const NO_INCLUDES: ReadFile = () => {
  throw new Error("include is read from job files only");
};

/** Where fio looks for `include NAME` of `from`: NAME as given if it is there, else beside the including file. */
function includePath(name: string, from: string, exists: (file: string) => boolean): string {
  const slash = from.lastIndexOf("/");
  return exists(name) || slash < 0 || name.startsWith("/") ? name : from.slice(0, slash + 1) + name;
}

/**
 * The jobs of one job file; `global` is what is in force before it (the command line's global options).
 * `include FILE` lines insert that file's options where they stand (nested includes too; no sections in them).
 */
export function parseJobFile(
  text: string,
  file: string,
  env: Environment = { vars: {}, notes: [] },
  global: readonly WrittenOption[] = [],
  readFile: ReadFile = NO_INCLUDES,
  exists: (file: string) => boolean = () => false,
): WrittenJob[] {
  const jobs: WrittenJob[] = [];
  let globals = [...global];
  let current: { options: WrittenOption[]; job?: WrittenJob } | undefined;
  const lines = (source: string, name: string, depth: number): { raw: string; at: string; included: boolean }[] =>
    source.split(/\r?\n/).flatMap((raw, i) => {
      const at = `${name}:${i + 1}`;
      const m = /^\s*include\s+(\S.*?)\s*$/.exec(raw.replace(/[;#].*$/, ""));
      if (!m) return [{ raw, at, included: depth > 0 }];
      if (depth >= 16) throw new JobFileError(`${at}: includes nested deeper than 16 (does a file include itself?)`);
      const path = includePath(m[1], name, exists);
      let inner: string;
      try {
        inner = readFile(path);
      } catch (err) {
        throw new JobFileError(`${at}: include ${m[1]}: cannot read ${path} (${(err as Error).message})`);
      }
      return lines(inner, path, depth + 1);
    });
  lines(text, file, 0).forEach(({ raw, at, included }) => {
    // fio ends a line at its first ; or # (parse.c's strip_blank_end): comment lines, and comments after a value.
    const line = raw.replace(/[;#].*$/, "").trim();
    if (line === "") return;
    const section = /^\[(.*)\]$/.exec(line);
    if (section && included)
      throw new JobFileError(`${at}: an included file holds options, not [sections] (as in fio)`);
    if (section) {
      const name = expand(section[1].trim(), env, at);
      if (name === "") throw new JobFileError(`${at}: a section needs a name ([global] or [JOBNAME])`);
      if (name === "global") {
        current = { options: globals };
        return;
      }
      const job: WrittenJob = { name, global: [...globals], options: [], at };
      jobs.push(job);
      current = { options: job.options, job };
      return;
    }
    if (!current) throw new JobFileError(`${at}: '${line}' comes before any [section]`);
    current.options.push(option(expand(line, env, at), at));
    // A [global] section met again later changes what the jobs after it get, not those before.
    if (!current.job) globals = current.options;
  });
  return jobs;
}

/** What fio's command line says: program options, and the jobs of its files and --name options. */
export interface CommandLine {
  /** --output-format, --output and nvmesim's own options (--path, --device, ...), by name. */
  program: Map<string, string | undefined>;
  jobs: WrittenJob[];
  /** What was read differently than it may have been meant (unset variables). */
  notes: string[];
}

/**
 * Parses fio's command line: `--opt=value` or `--opt value` (one dash works too), program options named in
 * `programOptions` (the value kind says whether they take a value), job files as words.
 */
export function parseCommandLine(
  argv: readonly string[],
  programOptions: Readonly<Record<string, "value" | "flag" | "list">>,
  jobOptionTakesValue: (name: string) => boolean,
  readFile: (file: string) => string,
  vars: Readonly<Record<string, string | undefined>> = {},
  exists: (file: string) => boolean = () => false,
): CommandLine {
  const env: Environment = { vars, notes: [] };
  const program = new Map<string, string | undefined>();
  const files: string[] = [];
  const global: WrittenOption[] = [];
  const jobs: WrittenJob[] = [];
  let job: WrittenJob | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith("-") || word === "-") {
      files.push(word);
      continue;
    }
    const body = word.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    const kind = programOptions[name];
    const takesValue = kind === undefined ? jobOptionTakesValue(name) : kind !== "flag";
    // A value may follow as the next word, as fio's getopt allows; a flag takes none.
    if (value === undefined && takesValue && i + 1 < argv.length && !argv[i + 1].startsWith("-")) value = argv[++i];
    if (kind !== undefined) {
      if (kind !== "flag" && value === undefined) throw new JobFileError(`command line: --${name} needs a value`);
      if (kind === "list") program.set(name, [program.get(name), value].filter((v) => v !== undefined).join("\n"));
      else program.set(name, value);
      continue;
    }
    const written: WrittenOption = { name, ...(value !== undefined ? { value } : {}), at: "command line" };
    if (name === "name") {
      if (!value) throw new JobFileError("command line: --name needs a value");
      job = { name: value, global: [...global], options: [written], at: "command line" };
      jobs.push(job);
      continue;
    }
    (job ? job.options : global).push(written);
  }
  const fromFiles = files.flatMap((f) => parseJobFile(readFile(f), f, env, global, readFile, exists));
  if (fromFiles.length === 0 && jobs.length === 0 && global.length > 0)
    throw new JobFileError("command line: no job (fio needs --name=JOB or a job file)");
  return { program, jobs: [...fromFiles, ...jobs], notes: env.notes };
}
