import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { StoredNotification } from "@conveyor/scheduler";
import { describe, expect, it } from "vitest";
import { fileExists } from "../src/files.js";
import { conveyor, EXAMPLE_PLUGIN, workspace } from "./run-cli.js";

/**
 * A job and its settings may come from a tenant: nothing that travels with them may choose the
 * host's plugins or platform settings, read the host's files or environment, or see a secret.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const WEBHOOK_PLUGIN = join(HERE, "../../../plugins/notifier-webhook");
/** Core as a third-party plugin bundles it: the built package, imported by URL from a temp folder. */
const CORE = pathToFileURL(join(HERE, "../../core/dist/index.js")).href;

/** Writes a marker file beside itself when imported: proof that a plugin was loaded. */
const MARKER_PLUGIN = `import { writeFileSync } from "node:fs";
writeFileSync(new URL("./imported.marker", import.meta.url), "imported");
export default {};
`;

/**
 * A destination that echoes its secret \`token\` into its warnings, report details and (with
 * \`fail\`) its error, and reports the platform's \`external_id\` it was given.
 */
const ECHO_PLUGIN = `import { API_VERSION, ConnectorError, implementationToken, TOKENS, z } from "${CORE}";

class EchoDestination {
  constructor(settings, platform) { this.settings = settings; this.platform = platform; }
  async test() { return []; }
  async send(request, context) {
    let rows = 0;
    for await (const _row of request.rows) rows++;
    const { token, fail } = this.settings;
    if (fail) throw new ConnectorError({ code: "echo.refused", category: "needs-person", message: "the service refused token " + token });
    context.warn("sent with token " + token);
    return { objects: [], rows, bytes: 0, warnings: ["the token " + token + " expires soon"], details: { token_used: token, external_id: this.platform.external_id ?? "none" } };
  }
}

export default {
  id: "echo",
  kind: "destination",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Echo",
  description: "Echoes its secret setting.",
  settings: z.object({ token: z.string(), fail: z.boolean().default(false) }).strict(),
  secrets: ["token"],
  platformSettings: z.object({ external_id: z.string().optional() }),
  register(container) {
    container.register(implementationToken("destination", "echo"), { useFactory: (c) => new EchoDestination(c.resolve(TOKENS.settings), c.resolve(TOKENS.platformSettings)) });
  },
};
`;

const echoJob = (fail = false) => `name: echo\ninput: { path: ./rows.csv }\ndestination:\n  plugin: echo\n  settings: { token: "\${env:ECHO_TOKEN}", fail: ${fail} }\n`;
const ROWS = "id\n1\n2\n";

describe("the host's configuration is its own", () => {
  it("a conveyor.config.yaml beside a job in another folder is not read: its plugins do not load and its External ID does not apply", async () => {
    const cwd = await workspace({
      "conveyor.config.yaml": "platform: { external_id: operator-external-id-0001 }\n",
      "echo.mjs": ECHO_PLUGIN,
      "tenant/job.yaml": echoJob(),
      "tenant/rows.csv": ROWS,
      "tenant/marker.mjs": MARKER_PLUGIN,
      "tenant/conveyor.config.yaml": "plugins: [./marker.mjs]\nplatform: { external_id: tenant-chosen-external-id }\n",
    });
    const env = { ECHO_TOKEN: "echo-token-value" };
    for (const command of ["validate", "test-connection"]) expect((await conveyor(["--plugin", "./echo.mjs", command, "tenant/job.yaml"], { cwd, env })).code).toBe(0);
    const run = await conveyor(["--plugin", "./echo.mjs", "run", "tenant/job.yaml", "--json"], { cwd, env });
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "succeeded", report: { rows: 2, details: { external_id: "operator-external-id-0001" } } });
    expect(await fileExists(join(cwd, "tenant/imported.marker"))).toBe(false);

    // The same file as the working directory's config is the operator's: it applies, and its plugin loads.
    const operator = join(cwd, "tenant");
    const own = await conveyor(["--plugin", "../echo.mjs", "run", "job.yaml", "--json"], { cwd: operator, env });
    expect(JSON.parse(own.stdout)).toMatchObject({ report: { details: { external_id: "tenant-chosen-external-id" } } });
    expect(await fileExists(join(operator, "imported.marker"))).toBe(true);
  });
});

describe("a job reads neither the host's files nor its environment", () => {
  it("refuses input.path /proc/self/environ with exit 2 (input.not-allowed), reading nothing", async () => {
    const cwd = await workspace({
      "job.yaml": `name: environ\ninput: { path: /proc/self/environ, format: csv }\ndestination:\n  plugin: local-directory\n  settings: { directory: ./out }\n`,
    });
    const result = await conveyor(["--plugin", EXAMPLE_PLUGIN, "run", "job.yaml"], { cwd, env: { PLANTED_VARIABLE: "planted-environment-value" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error [input.not-allowed]: input.path \"/proc/self/environ\" is outside the folders this host reads inputs from");
    expect(result.stdout + result.stderr).not.toContain("planted-environment-value");
    expect(await fileExists(join(cwd, "out"))).toBe(false);
  });

  it("refuses ${env:…} in a setting that is not secret (a prefix) at validate with exit 2, never printing the value", async () => {
    const value = "host-secret-value-7f3a9c";
    const cwd = await workspace({
      "job.yaml": `name: prefixed\ndestination:\n  plugin: local-directory\n  settings: { directory: ./out, prefix: "\${env:SOME_SECRET}" }\n`,
    });
    for (const args of [["validate", "job.yaml"], ["validate", "job.yaml", "--json"]]) {
      const result = await conveyor(["--plugin", EXAMPLE_PLUGIN, ...args], { cwd, env: { SOME_SECRET: value } });
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).toContain("destination.settings.prefix");
      expect(result.stdout + result.stderr).toContain("allowed only in secret settings");
      expect(result.stdout + result.stderr).not.toContain(value);
    }
  });
});

describe("every registered secret value is redacted on every path out", () => {
  const TOKEN = "echo-t0ken-3f9c2a7d1e";
  const echoWorkspace = (fail = false) => workspace({ "echo.mjs": ECHO_PLUGIN, "rows.csv": ROWS, "job.yaml": echoJob(fail) });

  it("a destination's warnings and report details, in `conveyor run` text and --json", async () => {
    const cwd = await echoWorkspace();
    const env = { ECHO_TOKEN: TOKEN };
    const text = await conveyor(["--plugin", "./echo.mjs", "run", "job.yaml"], { cwd, env });
    expect(text.code).toBe(0);
    expect(text.stderr).toContain("warning: the token [REDACTED] expires soon");
    expect(text.stderr).toContain("warning: sent with token [REDACTED]");
    expect(text.stdout).toContain("token_used: [REDACTED]");
    const json = await conveyor(["--plugin", "./echo.mjs", "run", "job.yaml", "--json"], { cwd, env });
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "succeeded", report: { details: { token_used: "[REDACTED]" } } });
    expect(text.stdout + text.stderr + json.stdout + json.stderr).not.toContain(TOKEN);
  });

  it("a scheduled run's error in the stored notifications and the webhook body; the webhook URL's path and query in `notifications show` and any output", async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      // Refused, so the delivery error (which names the webhook) is stored and shown.
      req.on("end", () => (bodies.push(body), res.writeHead(404).end()));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cwd = await echoWorkspace(true);
    await writeFile(join(cwd, "channels.yaml"), `channels:\n  - plugin: webhook\n    settings: { url: "${origin}/services/HOOK-PATH-T0KEN?sig=HOOK-QUERY-T0KEN", max_attempts: 1 }\n`);
    const plugins = ["--plugin", "./echo.mjs", "--plugin", WEBHOOK_PLUGIN];
    const clock = (iso: string) => ({ CONVEYOR_SCHEDULER_CLOCK: `${iso},1`, ECHO_TOKEN: TOKEN });
    try {
      await conveyor([...plugins, "schedule", "add", "job.yaml", "--cron", "@hourly", "--id", "echo"], { cwd, env: clock("2025-03-01T00:10:00Z") });
      const ran = await conveyor([...plugins, "scheduler", "--once", "--channels", "channels.yaml", "--json"], { cwd, env: clock("2025-03-01T01:05:00Z") });
      expect(ran.stdout).toContain('"event":"slot-finished"');
      const listed = await conveyor(["notifications", "--json"], { cwd });
      const [note] = (JSON.parse(listed.stdout) as { notifications: StoredNotification[] }).notifications;
      expect(note).toMatchObject({ kind: "run-failed", error: { code: "echo.refused", message: "the service refused token [REDACTED]" } });
      expect(note?.deliveries[0]).toMatchObject({ channel: "webhook", ok: false });
      expect(note?.deliveries[0]?.error).toContain(origin);
      expect(bodies).toHaveLength(1);
      expect(JSON.parse(bodies[0]!)).toMatchObject({ error: { message: "the service refused token [REDACTED]" } });
      const shown = await conveyor(["notifications", "show", note!.id], { cwd });
      expect(shown.stdout).toContain(`delivered to webhook: failed (webhook ${origin}`);
      const everything = [ran.stdout, ran.stderr, listed.stdout, shown.stdout, shown.stderr, ...bodies].join("\n");
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toMatch(/HOOK-PATH-T0KEN|HOOK-QUERY-T0KEN/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
