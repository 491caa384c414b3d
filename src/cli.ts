/** Entry point of the `create-chatkit-server` binary: wires `run` to the real process. */
import { promptWithInquirer } from "./options/prompt.js";
import { runCommand } from "./post/run-command.js";
import { EXIT, run } from "./run.js";

interface Output {
  write(text: string): void;
}

/**
 * Writes to a standard stream until its reader goes away (EPIPE: `... | head -1`) or it fails
 * otherwise: from then on output is dropped, quietly, and the run goes on to its own exit code,
 * as git's and npm's do. Without the listener Node throws the error, with a stack trace.
 */
function quietWhenClosed(stream: () => NodeJS.WriteStream): Output {
  let target: NodeJS.WriteStream | undefined;
  let closed = false;
  return {
    write(text) {
      if (closed) return;
      if (target === undefined) {
        target = stream();
        target.on("error", () => {
          closed = true;
        });
      }
      if (target.destroyed || !target.writable) closed = true;
      else target.write(text);
    },
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  // Ctrl-C outside a prompt (inquirer handles it inside one): ask the run to stop at its
  // next safe point so it can clean up; a second Ctrl-C exits at once.
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.cancelled);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    return await run(argv.slice(2), {
      stdout: quietWhenClosed(() => process.stdout),
      // process.stderr and process.stdin are set up on first use: most runs need neither
      // (--yes never reads stdin), and each costs a run a fraction of a millisecond.
      stderr: quietWhenClosed(() => process.stderr),
      env: process.env,
      cwd: process.cwd(),
      get stdinIsTTY() {
        return process.stdin.isTTY === true;
      },
      stdoutIsTTY: process.stdout.isTTY === true,
      platform: process.platform,
      prompt: promptWithInquirer,
      runCommand,
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", onSigint);
  }
}

process.exitCode = await main(process.argv);
