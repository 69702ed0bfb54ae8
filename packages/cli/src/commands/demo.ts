import { Command } from "commander";
import { startEmulators } from "@conveyor/testkit";
import { loadConfig } from "../config.js";
import { createCliHost } from "../host.js";
import { line, table } from "../io.js";
import type { CommandContext } from "../job-context.js";

/**
 * The main job on the embedded emulators. Until the S3 destination exists it starts the
 * emulators, shows the loaded plugins and the endpoints, and stops them again.
 */
export function demoCommand({ io, exit }: CommandContext): Command {
  return new Command("demo")
    .description("run the demo on the embedded emulators (no network needed)")
    .action(async () => {
      const emulators = await startEmulators();
      try {
        const host = await createCliHost({ config: await loadConfig({ env: {} }), projectDir: io.cwd });
        line(io.stdout, "Conveyor demo — embedded emulators on loopback");
        line(io.stdout, "");
        line(io.stdout, table([["EMULATOR", "ENDPOINT"], ["S3", emulators.info.s3_endpoint], ["STS", emulators.info.sts_endpoint]]));
        line(io.stdout, `bucket ${emulators.info.bucket}, objects kept in ${emulators.info.data_dir}`);
        line(io.stdout, "");
        line(io.stdout, table([["KIND", "PLUGIN", "VERSION", "PACKAGE"], ...host.list().map((p) => [p.plugin.kind, p.plugin.id, p.plugin.version, p.packageName ?? p.source])]));
        for (const r of host.refused) line(io.stderr, `warning: plugin refused (${r.source}): ${r.reason}`);
        exit(host.refused.length === 0 ? 0 : 1);
      } finally {
        await emulators.close();
      }
    });
}
