// Program output goes to stdout the way C's stdio does it: line by line on a terminal, so a user
// sees progress, and in large blocks into a pipe or file, so a program printing a million lines
// does not pay a write per line. Whoever writes to stderr flushes first, so that output and
// errors appear in the order they happened.

const BLOCK = 1 << 16;

export class Output {
  private pending: string[] = [];
  private size = 0;
  private readonly lineBuffered = process.stdout.isTTY === true;

  line(text: string): void {
    this.pending.push(text, "\n");
    this.size += text.length + 1;
    if (this.lineBuffered || this.size >= BLOCK) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    process.stdout.write(this.pending.join(""));
    this.pending = [];
    this.size = 0;
  }

  /** Writes to stderr after what the program has printed so far. */
  error(text: string): void {
    this.flush();
    process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  }
}

/**
 * `myx prog.myx | head` closes the pipe early; that is the reader's choice, not an error, so the
 * rest of the output is dropped quietly instead of crashing with a stack trace. Any other failure
 * to write (a full disk) still ends with a failing status.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      stream.destroy();
      if (e.code !== "EPIPE") process.exitCode = 1;
    });
  }
}
