import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { extname } from "node:path";
import { invalidInput } from "@conveyor/core";
import { parseDocument } from "yaml";

export interface JobFile {
  path: string;
  text: string;
  sha256: string;
  /** The parsed document, not yet validated. */
  raw: unknown;
}

/** Reads a YAML or JSON file; a syntax error names the file, line and column (exit 2). */
export async function readStructuredFile(path: string, what = "job file"): Promise<JobFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw invalidInput("job.unreadable", `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { path, text, sha256: createHash("sha256").update(text).digest("hex"), raw: parseStructured(text, path, what) };
}

export function parseStructured(text: string, path: string, what = "job file"): unknown {
  if (extname(path).toLowerCase() === ".json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message);
      const where = position ? lineAndColumn(text, Number(position[1])) : "";
      throw invalidInput("job.syntax", `${what} ${path}${where}: invalid JSON: ${(error as Error).message}`);
    }
  }
  const document = parseDocument(text, { uniqueKeys: true });
  const problem = document.errors[0];
  if (problem) {
    const [line, column] = problem.linePos?.[0] ? [problem.linePos[0].line, problem.linePos[0].col] : [undefined, undefined];
    const where = line ? `:${line}:${column}` : "";
    throw invalidInput("job.syntax", `${what} ${path}${where}: YAML syntax error${line ? ` at line ${line}, column ${column}` : ""}: ${problem.message.split("\n")[0]}`, {
      ...(line ? { line, column } : {}),
    });
  }
  return document.toJS() as unknown;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}
