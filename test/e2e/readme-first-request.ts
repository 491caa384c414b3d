// The generated README's "First request" section, read the way a user copies it: the shell
// block (two curl commands) and the event types of the stream it shows. The unit tests check it
// per auth mode; generated-project.test.ts runs the commands against a served project.

export interface FirstRequest {
  /** The shell block, as written: `curl .../health` then the `threads.create` curl. */
  commands: string;
  /** The `type` of each `data:` line of the example stream, in order. */
  eventTypes: string[];
  /** The whole section, for assertions on its prose. */
  section: string;
}

export function readFirstRequest(readme: string): FirstRequest {
  const section = readme.split("\n## First request\n")[1]?.split("\n## ")[0];
  if (section === undefined) throw new Error("the README has no \"## First request\" section");
  const commands = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  const stream = /```text\n([\s\S]*?)```/.exec(section)?.[1];
  if (commands === undefined || stream === undefined) throw new Error("the First request section lacks its sh or text block");
  const eventTypes = stream
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => /^data: \{"type":"([^"]+)"/.exec(line)?.[1] ?? `unreadable line: ${line}`);
  return { commands, eventTypes, section };
}

/** The README's commands aimed at another server than the documented 127.0.0.1:8000. */
export function atBaseUrl(commands: string, baseUrl: string): string {
  return commands.replaceAll("http://127.0.0.1:8000", baseUrl);
}
