import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { invalidInput } from "@conveyor/core";
import type { RecordSource } from "./read-input.js";

/** One JSON object per line; the first object's keys are the fields. */
export async function jsonLineRecords(stream: Readable, path: string): Promise<RecordSource> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let number = 0;
  const next = async (): Promise<Record<string, unknown> | undefined> => {
    for (;;) {
      const line = await lines.next();
      if (line.done) return undefined;
      number++;
      if (line.value.trim() === "") continue;
      try {
        const value = parseJsonExact(line.value);
        if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
      } catch {
        // reported below
      }
      throw invalidInput("input.syntax", `input ${path} line ${number}: expected a JSON object`);
    }
  };
  const first = await next();
  if (!first) throw invalidInput("input.empty", `input ${path} has no records`);
  async function* records(): AsyncGenerator<Record<string, unknown>> {
    yield first!;
    for (let r = await next(); r; r = await next()) yield r;
  }
  return { fields: Object.keys(first), records: records() };
}

/**
 * JSON.parse, except that integers beyond 2^53 are bigints with every digit (JSON.parse would
 * round them to the nearest double, and Node 20's reviver cannot see the source text).
 */
export function parseJsonExact(text: string): unknown {
  // Every integer of 15 digits or fewer is exact as a double: only a longer digit run needs the slow path.
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  let at = 0;
  const token = (re: RegExp): string | undefined => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m) at = re.lastIndex;
    return m?.[0];
  };
  const fail = (): never => {
    throw new SyntaxError(`Unexpected token at position ${at}`);
  };
  const eat = (c: string): boolean => {
    token(WS);
    if (text[at] !== c) return false;
    at++;
    return true;
  };
  const value = (): unknown => {
    token(WS);
    if (eat("{")) {
      const object: Record<string, unknown> = {};
      if (eat("}")) return object;
      do {
        token(WS);
        const key = JSON.parse(token(STRING) ?? fail()) as string;
        if (!eat(":")) fail();
        // defineProperty, not assignment: a "__proto__" key is data, as JSON.parse keeps it.
        Object.defineProperty(object, key, { value: value(), enumerable: true, writable: true, configurable: true });
      } while (eat(","));
      return eat("}") ? object : fail();
    }
    if (eat("[")) {
      const array: unknown[] = [];
      if (eat("]")) return array;
      do array.push(value());
      while (eat(","));
      return eat("]") ? array : fail();
    }
    const string = token(STRING);
    if (string !== undefined) return JSON.parse(string) as string;
    const literal = token(LITERAL) ?? fail();
    if (literal === "true" || literal === "false" || literal === "null") return JSON.parse(literal) as unknown;
    const number = Number(literal);
    return /^-?\d+$/.test(literal) && !Number.isSafeInteger(number) ? BigInt(literal) : number;
  };
  const result = value();
  token(WS);
  return at === text.length ? result : fail();
}

const WS = /[ \t\n\r]*/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\.)*"/y;
const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
