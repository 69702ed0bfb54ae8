import { Command } from "commander";
import { invalidInput, settingsJsonSchema, type SecretRegistry } from "@conveyor/core";
import { loadConfig } from "../config.js";
import { createCliHost } from "../host.js";
import { line, table, type CliIo } from "../io.js";
import type { CommandContext, GlobalOptions } from "../job-context.js";

export function pluginsCommand({ io, globals, secrets }: CommandContext): Command {
  return new Command("plugins")
    .description("list the loaded plugins: kind, id, version, package")
    .option("--json", "one JSON line")
    .action(async (options: { json?: boolean }) => {
      const host = await hostFor(io, globals(), secrets);
      const plugins = host.list().map(({ plugin, packageName, source }) => ({
        kind: plugin.kind,
        id: plugin.id,
        version: plugin.version,
        package: packageName ?? source,
        description: plugin.description,
      }));
      if (options.json || globals().json) {
        line(io.stdout, JSON.stringify({ plugins, refused: host.refused }));
        return;
      }
      line(io.stdout, table([["KIND", "ID", "VERSION", "PACKAGE"], ...plugins.map((p) => [p.kind, p.id, p.version, p.package])]));
      for (const r of host.refused) line(io.stderr, `warning: plugin refused (${r.source}): ${r.reason}`);
    });
}

export function schemaCommand({ io, globals, secrets }: CommandContext): Command {
  return new Command("schema")
    .description("print a plugin's settings as JSON Schema")
    .argument("<plugin-id>", "e.g. amazon-s3, csv, iam-role-to-role")
    .option("--kind <kind>", "when several kinds share the id")
    .option("--json", "one JSON line")
    .action(async (id: string, options: { kind?: string; json?: boolean }) => {
      const host = await hostFor(io, globals(), secrets);
      const matches = host.findById(id).filter((p) => !options.kind || p.kind === options.kind);
      if (matches.length === 0) {
        const known = host.list().map((p) => p.plugin.id);
        throw invalidInput("plugin.unknown", `unknown plugin "${id}"; available: ${known.join(", ")}`);
      }
      if (matches.length > 1) {
        throw invalidInput("plugin.ambiguous", `several plugins have id "${id}" (${matches.map((p) => p.kind).join(", ")}); add --kind`);
      }
      const schema = settingsJsonSchema(matches[0]!);
      line(io.stdout, options.json || globals().json ? JSON.stringify(schema) : JSON.stringify(schema, null, 2));
    });
}

async function hostFor(io: CliIo, globals: GlobalOptions, secrets: SecretRegistry) {
  const config = await loadConfig({ env: io.env, ...(globals.config ? { explicit: globals.config } : {}) });
  return createCliHost({ config, secrets, plugins: globals.plugin ?? [], projectDir: io.cwd });
}
