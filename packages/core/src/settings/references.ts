import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import type { SecretRegistry } from "../services.js";
import { joinPath, type Problem } from "./problems.js";

const REFERENCE = /\$\{(env|file):([^}]+)\}/g;

export interface ReferenceEnvironment {
  env?: NodeJS.ProcessEnv;
  /** Relative `${file:…}` paths are read from here (the job file's folder). */
  baseDir?: string;
  /** Every resolved value is remembered here, so it can be scrubbed from output. */
  secrets?: SecretRegistry;
}

export function hasReference(value: unknown): boolean {
  return typeof value === "string" && new RegExp(REFERENCE.source).test(value);
}

/**
 * Replaces `${env:NAME}` and `${file:path}` inside every string of `value`. The resolved text
 * is never put in a message: a problem names the reference, not what it holds.
 */
export function resolveReferences<T>(
  value: T,
  environment: ReferenceEnvironment = {},
  path = "",
): { value: T; problems: Problem[] } {
  const problems: Problem[] = [];
  const env = environment.env ?? process.env;
  const walk = (v: unknown, at: string): unknown => {
    if (typeof v === "string") {
      return v.replace(REFERENCE, (_match, kind: string, name: string) => {
        const resolved = kind === "env" ? env[name] : readReferencedFile(name, environment.baseDir);
        if (resolved === undefined) {
          problems.push({
            path: at,
            message:
              kind === "env"
                ? `refers to environment variable ${name}, which is not set`
                : `refers to file ${name}, which cannot be read`,
            severity: "error",
          });
          return "";
        }
        environment.secrets?.add(resolved);
        return resolved;
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, joinPath(at, i)));
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, joinPath(at, k))]));
    }
    return v;
  };
  return { value: walk(value, path) as T, problems };
}

function readReferencedFile(path: string, baseDir?: string): string | undefined {
  try {
    // A trailing newline is an artefact of how the file was written, not part of the secret.
    return readFileSync(resolvePath(baseDir ?? process.cwd(), path), "utf8").replace(/\r?\n$/, "");
  } catch {
    return undefined;
  }
}
