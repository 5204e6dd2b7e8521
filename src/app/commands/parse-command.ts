import { COMMAND_NAMES, type CommandName, type ParsedCommand } from "./command.ts";
import { parseStartOptions } from "./start-options.ts";
import { suggest } from "./suggest.ts";
import { inlineCode, tokenize } from "./tokenize.ts";
import { startUsage, usage } from "./usage.ts";

export type { Command, CommandName, Mode, ParsedCommand, StartCommand } from "./command.ts";
export { usage } from "./usage.ts";

/**
 * The command in an issue comment: the first line that starts with `/autoopt` (after blanks);
 * the rest of the comment is free text. Undefined when the comment has no such line, so that
 * the App stays silent on ordinary conversation; a malformed command gets an error to post.
 */
export function parseCommand(body: string): ParsedCommand | undefined {
  const line = findCommandLine(body);
  if (line === undefined) return undefined;
  const split = tokenize(line);
  if (!split.ok) return failure(split.error, startUsage());
  const [word, ...args] = split.tokens;
  if (word === undefined) return { ok: true, command: { name: "help" } };
  const name = COMMAND_NAMES.find((n) => n === word.toLowerCase());
  if (!name) return failure(unknownCommand(word), usage());
  if (name === "start") {
    const start = parseStartOptions(args);
    return start.ok ? start : failure(start.error, startUsage());
  }
  if (args.length > 0) {
    const extra = inlineCode(args.join(" "));
    return failure(`\`/autoopt ${name}\` takes no arguments, but got ${extra}.`, usage());
  }
  return { ok: true, command: { name } };
}

/** What follows `/autoopt` on the command's line, or undefined when no line holds a command. */
export function findCommandLine(body: string): string | undefined {
  let fence: string | undefined;
  for (const line of body.split(/\r\n|\r|\n/)) {
    // A command quoted in a code block (such as our own help text) is an example, not an order.
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const match = /^\s*\/autoopt(?=\s|$)(.*)$/i.exec(line);
    if (match) return match[1] ?? "";
  }
  return undefined;
}

function unknownCommand(word: string): string {
  if (word.startsWith("-"))
    return `Options go after the command, as in \`/autoopt start ${word} …\`; which command did you mean?`;
  const guess = suggest(word, COMMAND_NAMES);
  const commands = COMMAND_NAMES.map((n: CommandName) => `\`${n}\``).join(", ");
  const hint = guess ? ` Did you mean \`${guess}\`?` : "";
  return `${inlineCode(`/autoopt ${word}`)} is not a command.${hint} The commands are ${commands}.`;
}

function failure(sentence: string, help: string): ParsedCommand {
  return { ok: false, error: `${sentence}\n\n${help}` };
}
