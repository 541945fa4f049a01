// Where a command writes: data to stdout, logs and progress to stderr.
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is a terminal (progress bars instead of plain lines). */
  isTTY: boolean;
}

export type Command = (argv: string[], io: Io) => Promise<number>;
