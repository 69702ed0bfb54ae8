import { Command } from "commander";
import type { PluginKind } from "@conveyor/runtime";
import { line, table } from "../io.js";
import { cliConveyor, type CommandContext } from "../job-context.js";

export function pluginsCommand(ctx: CommandContext): Command {
  const { io, globals } = ctx;
  return new Command("plugins")
    .description("list the loaded plugins: kind, id, version, package")
    .option("--json", "one JSON line")
    .action(async (options: { json?: boolean }) => {
      const { loaded, refused } = (await cliConveyor(ctx)).plugins();
      const plugins = loaded.map(({ kind, id, version, source, description }) => ({ kind, id, version, package: source, description }));
      if (options.json || globals().json) {
        line(io.stdout, JSON.stringify({ plugins, refused }));
        return;
      }
      line(io.stdout, table([["KIND", "ID", "VERSION", "PACKAGE"], ...plugins.map((p) => [p.kind, p.id, p.version, p.package])]));
      for (const r of refused) line(io.stderr, `warning: plugin refused (${r.source}): ${r.reason}`);
    });
}

export function schemaCommand(ctx: CommandContext): Command {
  const { io, globals } = ctx;
  return new Command("schema")
    .description("print a plugin's settings as JSON Schema")
    .argument("<plugin-id>", "e.g. amazon-s3, csv, iam-role-to-role")
    .option("--kind <kind>", "when several kinds share the id")
    .option("--json", "one JSON line")
    .action(async (id: string, options: { kind?: string; json?: boolean }) => {
      const schema = (await cliConveyor(ctx)).schema(id, options.kind as PluginKind | undefined);
      line(io.stdout, options.json || globals().json ? JSON.stringify(schema) : JSON.stringify(schema, null, 2));
    });
}
