import { readFile } from "node:fs/promises";
import { invalidInput, parseStructured } from "@conveyor/runtime";

/** Reads a YAML or JSON file (config, channels); a syntax error names the file, line and column (exit 2). */
export async function readStructuredFile(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw invalidInput(`${what.split(" ")[0]}.unreadable`, `cannot read ${what} ${path}: ${error.code ?? error.message}`);
  });
  return parseStructured(text, path, what);
}
