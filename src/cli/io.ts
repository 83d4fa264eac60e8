/** Where a command's output goes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTTY: boolean;
}

export interface GlobalOptions {
  json: boolean;
  cwd: string;
  actor?: string;
}

/** What a handler returns: the JSON `data`, and the text a person reads. */
export interface CommandOutput {
  data: unknown;
  text: string;
  /** Printed to stderr in both modes. */
  warnings?: string[];
  /** Print `text` byte for byte (no newline added): stored sources, packets. */
  raw?: boolean;
  /** Overrides the exit code of a successful command (run passes its command's through). */
  exitCode?: number;
}
