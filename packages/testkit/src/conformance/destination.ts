import {
  ConnectorError,
  createRunContext,
  DEFAULT_CREDENTIAL_ROLE,
  fileNumber,
  type ConnectorPlugin,
  type Credential,
  type Destination,
  type Row,
  type Schema,
  type SendReport,
} from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { expectRenderableAction } from "./actions.js";
import { customerRows, customerSchema } from "../fixtures/customers.js";
import {
  describeDefinition,
  errorText,
  hostWith,
  itChecks,
  loggingHost,
  plantedSecret,
  platformOf,
  resolveFixture,
  type Fixture,
  type OptOut,
  type SettingsFixtures,
} from "./definition.js";

export interface CredentialFixture {
  plugin: string;
  settings: unknown;
}

/** What a check changes of the fixtures' setup: the destination's settings, its credentials, the platform. */
export interface DestinationSetup {
  settings?: unknown;
  credential?: CredentialFixture;
  /** By role, replacing the fixtures' `credentials`. */
  credentials?: Record<string, CredentialFixture>;
  platform?: Record<string, unknown>;
}

/** Makes the service fail transiently (throttling, 5xx, resets), e.g. with an emulator's fault injection. */
export interface TransientFault {
  /** The next `calls` calls to the service fail transiently. */
  inject(calls: number): void | Promise<void>;
  /** How many injected failures have fired so far (the check needs the send to have met them). */
  fired(): number | Promise<number>;
}

export interface DestinationFixtures extends SettingsFixtures {
  /** The job's credential, when the destination needs one. */
  credential?: Fixture<CredentialFixture>;
  /** The job's credentials by role, for a destination that takes several (`api`, `staging`). */
  credentials?: Fixture<Record<string, CredentialFixture>>;
  schema?: Schema;
  rows?: (count: number) => AsyncIterable<Row>;
  /** Reads what was delivered back independently and checks it against the rows sent. */
  verify: (report: SendReport, sent: { baseName: string; rows: number }) => Promise<void>;
  /** What a failed send left behind (objects, files, pending uploads): must be nothing. */
  leftovers?: (baseName: string) => Promise<string[]>;
  /**
   * The setup with `secret` planted in a secret setting (the destination's or its credential's).
   * The connection test and a send then run with it — they may fail — and the secret must not
   * appear in validation problems, checks, the report, errors or the log.
   */
  secretSettings: ((secret: string) => DestinationSetup | Promise<DestinationSetup>) | OptOut;
  /** A setup whose connection test fails (a missing folder, a refused key): a failed check with a workflow action. */
  failingConnection: Fixture<DestinationSetup> | OptOut;
  /** Transient failures of the destination's service, which a send must retry through. */
  transientFault: TransientFault | OptOut;
}

/** Transient failures injected before a send: more than one, fewer than the default retry policy's attempts. */
const TRANSIENT_CALLS = 2;

/** The destination contract: connection test, a verified send, a clean failure, secrets kept, faults retried. */
export function describeDestination(plugin: ConnectorPlugin, fixtures: DestinationFixtures): void {
  const schema = fixtures.schema ?? customerSchema;
  const rows = fixtures.rows ?? customerRows;
  let sends = 0;

  const make = async (setup: DestinationSetup = {}, options: { keepLog?: boolean } = {}) => {
    const platform = setup.platform ?? (await platformOf(fixtures));
    const logging = options.keepLog ? loggingHost(plugin, fixtures.plugins ?? [], platform) : undefined;
    const host = logging?.host ?? hostWith(plugin, fixtures.plugins ?? [], platform);
    const settings = setup.settings ?? (await resolveFixture(fixtures.settings));
    const credentialFixture = setup.credential ?? (await resolveFixture(fixtures.credential));
    const fixturesByRole = {
      ...(setup.credentials ?? (await resolveFixture(fixtures.credentials))),
      ...(credentialFixture ? { [DEFAULT_CREDENTIAL_ROLE]: credentialFixture } : {}),
    };
    const runId = `conformance-${++sends}`;
    const container = host.createRunContainer(runId);
    const destination = await host.create<Destination>("destination", plugin.id, settings, { parent: container, path: "destination.settings" });
    const credentials: Record<string, Credential> = {};
    for (const [role, fixture] of Object.entries(fixturesByRole)) {
      credentials[role] = await host.create<Credential>("credential", fixture.plugin, fixture.settings, { parent: container });
    }
    const warnings: string[] = [];
    const context = createRunContext(host, { runId, container, warnings, credentials });
    const baseName = `conformance_${Date.now()}_${sends}`;
    const request = (source: AsyncIterable<Row>) => ({
      rows: source,
      schema,
      baseName,
      partName: (n: number) => `${baseName}/${fileNumber(n)}`,
      overrides: {},
    });
    return { host, settings, credentialFixtures: fixturesByRole, destination, context, warnings, baseName, request, logs: logging?.logs ?? (() => "") };
  };

  describe(`destination "${plugin.id}" conformance`, () => {
    describeDefinition(plugin, "destination", fixtures);

    it("passes its connection test against a working setup", async () => {
      const { destination, context } = await make();
      const checks = await destination.test(context);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => c.status === "failed")).toEqual([]);
    });

    it("delivers every row and reports what it wrote", async () => {
      const { destination, context, baseName, request } = await make();
      const report = await destination.send(request(rows(2_500)), context);
      expect(report.rows).toBe(2_500);
      expect(report.objects.length).toBeGreaterThan(0);
      expect(report.bytes).toBe(report.objects.reduce((sum, o) => sum + o.size, 0));
      for (const object of report.objects) expect(object.sha256).toMatch(/^[0-9a-f]{64}$/);
      await fixtures.verify(report, { baseName, rows: 2_500 });
    });

    it("fails with the source's error and leaves nothing half-written", async () => {
      const { destination, context, baseName, request } = await make();
      const failure = new ConnectorError({ code: "input.read-failed", category: "invalid-input", message: "input broke after 1,000 rows" });
      async function* failing(): AsyncGenerator<Row> {
        let n = 0;
        for await (const row of rows(5_000)) {
          if (++n > 1_000) throw failure;
          yield row;
        }
      }
      await expect(destination.send(request(failing()), context)).rejects.toThrow(failure.message);
      if (fixtures.leftovers) expect(await fixtures.leftovers(baseName)).toEqual([]);
    });

    itChecks("keeps a secret setting out of logs, checks, reports, errors and JSON output", "secretSettings", fixtures.secretSettings, async (secretSettings) => {
      const secret = plantedSecret();
      const run = await make(await secretSettings(secret), { keepLog: true });
      // Registered, the host redacts it wherever it passes: the plugin declared the setting secret.
      expect(run.host.secrets.redact(secret), "the planted setting is declared in `secrets`").not.toContain(secret);
      const outputs = [
        JSON.stringify(await run.host.validate("destination", plugin.id, run.settings, "destination.settings")),
        JSON.stringify(await run.destination.test(run.context)),
        await run.destination.send(run.request(rows(100)), run.context).then((report) => JSON.stringify(report), errorText),
        JSON.stringify(run.warnings),
      ];
      for (const fixture of Object.values(run.credentialFixtures)) {
        outputs.push(JSON.stringify(await run.host.validate("credential", fixture.plugin, fixture.settings, "credential.settings")));
      }
      for (const output of [...outputs, run.logs()]) expect(output).not.toContain(secret);
    }, async () => {
      // Declining is only honest when there is nothing secret to plant.
      expect(plugin.secrets ?? [], "the destination declares no secret settings").toEqual([]);
      expect(await resolveFixture(fixtures.credential), "the destination takes no credential").toBeUndefined();
      expect(await resolveFixture(fixtures.credentials), "the destination takes no credentials").toBeUndefined();
    });

    itChecks("reports a failing connection as a failed check with a workflow action", "failingConnection", fixtures.failingConnection, async (failingConnection) => {
      const { destination, context } = await make(await resolveFixture(failingConnection));
      const failed = (await destination.test(context)).filter((c) => c.status === "failed");
      expect(failed.length, "a failed check").toBeGreaterThan(0);
      for (const check of failed) {
        expect(check.error, `check "${check.name}" carries its error`).toBeDefined();
        expectRenderableAction(check.error?.action, `check "${check.name}"'s action`);
      }
    });

    itChecks("retries transient failures of its service and delivers every row", "transientFault", fixtures.transientFault, async (fault) => {
      const { destination, context, baseName, request } = await make();
      const before = await fault.fired();
      await fault.inject(TRANSIENT_CALLS);
      const report = await destination.send(request(rows(500)), context);
      expect((await fault.fired()) - before, "the send met every injected failure").toBe(TRANSIENT_CALLS);
      expect(report.rows).toBe(500);
      await fixtures.verify(report, { baseName, rows: 500 });
    });
  });
}
