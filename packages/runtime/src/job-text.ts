import { ConnectorError, invalidInput, type Problem } from "@conveyor/core";
import { extname } from "node:path";
import { parseDocument } from "yaml";

/** A YAML or JSON document; a syntax error names the file, line and column (exit 2). */
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

/**
 * Parses a job or workflow file's text. Workflows copied from a web page (the product
 * documentation's examples) indent with non-breaking spaces, which YAML does not read as
 * indentation: those are read as spaces, with a warning naming the lines.
 */
export function parseJobText(text: string, path: string): { raw: unknown; warnings: Problem[] } {
  const { text: normalised, lines } = normaliseNbsp(text);
  let raw: unknown;
  try {
    raw = parseStructured(normalised, path);
  } catch (error) {
    const nbsp = normalised.split("\n").findIndex((l) => l.includes(NBSP));
    if (!ConnectorError.is(error) || nbsp < 0) throw error;
    throw invalidInput(error.code, `${error.message} (line ${nbsp + 1} has a non-breaking space, U+00A0, which YAML reads as text, not as a space: replace it with a space)`, error.details);
  }
  if (lines.length === 0) return { raw, warnings: [] };
  const message = `line${lines.length > 1 ? "s" : ""} ${lineList(lines)} ${lines.length > 1 ? "have" : "has"} non-breaking spaces (U+00A0) in the indentation or at the end, as text copied from a web page does; they were read as spaces`;
  return { raw, warnings: [{ path, severity: "warning", code: "job.nbsp-indentation", message }] };
}

const NBSP = "\u00a0";

/**
 * Leading and trailing NBSPs become spaces. A page that keeps a code block's indentation writes
 * each indenting space as NBSP + space (so the browser does not collapse them), so that pair is
 * one space: Treasure Data's published workflow examples line up only when read that way.
 */
function normaliseNbsp(text: string): { text: string; lines: number[] } {
  if (!text.includes(NBSP)) return { text, lines: [] };
  const lines: number[] = [];
  const out = text.split("\n").map((line, i) => {
    const fixed = line.replace(/^[ \u00a0]+/, (lead) => lead.replace(/\u00a0 ?/g, " ")).replace(/[ \u00a0]+(?=\r?$)/, (trail) => trail.replace(/\u00a0/g, " "));
    if (fixed !== line) lines.push(i + 1);
    return fixed;
  });
  return { text: out.join("\n"), lines };
}

/** 1, 2, 3, 5 → "1–3, 5". */
function lineList(lines: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i]!;
    while (lines[i + 1] === lines[i]! + 1) i++;
    ranges.push(start === lines[i] ? String(start) : `${start}–${lines[i]}`);
  }
  return ranges.join(", ");
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}
