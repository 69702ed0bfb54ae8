import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import type { SecretRegistry } from "../services.js";
import { joinPath, type Problem } from "./problems.js";

const REFERENCE = /\$\{(env|file):([^}]+)\}/g;

/**
 * What `${env:…}` and `${file:…}` references may read. Both are off unless the host turns them
 * on: settings may come from a host's tenants, and a reference would hand them the host's
 * environment or files.
 */
export interface ReferenceEnvironment {
  /** The environment `${env:NAME}` reads; without it `${env:}` is refused. */
  env?: NodeJS.ProcessEnv;
  /** `${file:path}` reads files, relative paths from `baseDir`; without it `${file:}` is refused. */
  files?: { baseDir: string };
  /** Every resolved value is remembered here, so it can be scrubbed from output. */
  secrets?: SecretRegistry;
}

export function hasReference(value: unknown): boolean {
  return typeof value === "string" && new RegExp(REFERENCE.source).test(value);
}

export interface ReferenceScope {
  /**
   * Setting paths (dotted, relative to the settings' root) where a reference may stand: the
   * plugin's secret (and reference) settings. Without it, references may stand anywhere (the host's own
   * platform settings).
   */
  allowedPaths?: readonly string[];
}

/**
 * Replaces `${env:NAME}` and `${file:path}` inside the strings of `value` where the scope allows
 * them and the host enabled that kind. The resolved text is never put in a message: a problem
 * names the reference, not what it holds.
 */
export function resolveReferences<T>(
  value: T,
  environment: ReferenceEnvironment = {},
  path = "",
  scope: ReferenceScope = {},
): { value: T; problems: Problem[] } {
  const problems: Problem[] = [];
  const allowed = scope.allowedPaths ? new Set(scope.allowedPaths) : undefined;
  const walk = (v: unknown, relative: string): unknown => {
    const at = joinPath(path, relative);
    if (typeof v === "string") {
      if (!hasReference(v)) return v;
      if (allowed && !allowed.has(relative)) {
        problems.push({
          path: at,
          message:
            `holds a reference (\${env:…} or \${file:…}), which is allowed only in secret settings` +
            (allowed.size ? ` (${[...allowed].join(", ")})` : " and this plugin has none"),
          severity: "error",
          code: "settings.reference-not-allowed",
        });
        return v;
      }
      return v.replace(REFERENCE, (match, kind: string, name: string) => {
        const resolved = resolveOne(kind as "env" | "file", name, environment, at, problems);
        if (resolved === undefined) return match;
        environment.secrets?.add(resolved);
        return resolved;
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, joinPath(relative, i)));
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, joinPath(relative, k))]));
    }
    return v;
  };
  return { value: walk(value, "") as T, problems };
}

function resolveOne(kind: "env" | "file", name: string, environment: ReferenceEnvironment, at: string, problems: Problem[]): string | undefined {
  const refuse = (message: string, code: string) => {
    problems.push({ path: at, message, severity: "error", code });
    return undefined;
  };
  if (kind === "env") {
    if (!environment.env) return refuse(`refers to environment variable ${name}, but this host does not allow \${env:} references`, "settings.reference-disabled");
    return environment.env[name] ?? refuse(`refers to environment variable ${name}, which is not set`, "settings.reference-missing");
  }
  if (!environment.files) return refuse(`refers to file ${name}, but this host does not allow \${file:} references`, "settings.reference-disabled");
  return readReferencedFile(name, environment.files.baseDir) ?? refuse(`refers to file ${name}, which cannot be read`, "settings.reference-missing");
}

function readReferencedFile(path: string, baseDir: string): string | undefined {
  try {
    // A trailing newline is an artefact of how the file was written, not part of the secret.
    return readFileSync(resolvePath(baseDir, path), "utf8").replace(/\r?\n$/, "");
  } catch {
    return undefined;
  }
}
