import { ConnectorError, createRunContext, type ConnectorPlugin, type Credential } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { expectRenderableAction } from "./actions.js";
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

/** What a check changes of the fixtures' setup: the credential's settings, the platform's. */
export interface CredentialSetup {
  settings?: unknown;
  platform?: Record<string, unknown>;
}

export interface CredentialFixtures extends SettingsFixtures {
  /** Checks what `resolve()` returned really works (e.g. signs a call to the S3 emulator). */
  verifyResolved: (resolved: unknown) => Promise<void>;
  /** Settings that are well-formed but refused by the service (wrong role, wrong key…): its failing connection test. */
  refusedSettings: Fixture<unknown> | OptOut;
  /**
   * The setup with `secret` planted in a secret setting (the credential's or the platform's). It
   * is resolved and tested — which may fail — and the secret must not appear in validation
   * problems, checks, errors or the log.
   */
  secretSettings: ((secret: string) => CredentialSetup | Promise<CredentialSetup>) | OptOut;
  /** Secret values that must never appear in checks, errors or logs. */
  secrets?: () => string[];
}

/** The credential contract: resolves to something that works, tests itself, fails clearly. */
export function describeCredential(plugin: ConnectorPlugin, fixtures: CredentialFixtures): void {
  const make = async (settings?: unknown) => {
    const host = hostWith(plugin, fixtures.plugins ?? [], await platformOf(fixtures));
    const credential = await host.create<Credential>("credential", plugin.id, settings ?? (await resolveFixture(fixtures.settings)), { path: "credential.settings" });
    const context = createRunContext(host, { runId: "conformance", container: host.createRunContainer("conformance") });
    return { credential, context };
  };

  describe(`credential "${plugin.id}" conformance`, () => {
    describeDefinition(plugin, "credential", fixtures);

    it("resolves to something that works", async () => {
      const { credential, context } = await make();
      await fixtures.verifyResolved(await credential.resolve(context));
    });

    it("passes its own test against a working setup", async () => {
      const { credential, context } = await make();
      const checks = await credential.test(context);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => c.status === "failed")).toEqual([]);
    });

    itChecks("reports refused credentials as a failed check with a workflow action, never a hang", "refusedSettings", fixtures.refusedSettings, async (refused) => {
      const { credential, context } = await make(await resolveFixture(refused));
      const checks = await credential.test(context);
      const failed = checks.filter((c) => c.status === "failed");
      expect(failed.length).toBeGreaterThan(0);
      expectRenderableAction(failed[0]?.error?.action, `check "${failed[0]?.name}"'s action`);
      const error = await credential.resolve(context).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error !== undefined) {
        expect(ConnectorError.is(error)).toBe(true);
        expect((error as ConnectorError).category).toBe("needs-person");
      }
      const text = JSON.stringify(checks) + String((error as Error | undefined)?.message ?? "");
      for (const secret of fixtures.secrets?.() ?? []) expect(text).not.toContain(secret);
    });

    itChecks("keeps a secret setting out of logs, checks, errors and JSON output", "secretSettings", fixtures.secretSettings, async (secretSettings) => {
      const secret = plantedSecret();
      const setup = await secretSettings(secret);
      const { host, logs } = loggingHost(plugin, fixtures.plugins ?? [], setup.platform ?? (await platformOf(fixtures)));
      const settings = setup.settings ?? (await resolveFixture(fixtures.settings));
      const credential = await host.create<Credential>("credential", plugin.id, settings, { path: "credential.settings" });
      // Registered, the host redacts it wherever it passes: the plugin declared the setting secret.
      expect(host.secrets.redact(secret), "the planted setting is declared in `secrets` or `platformSecrets`").not.toContain(secret);
      const context = createRunContext(host, { runId: "conformance", container: host.createRunContainer("conformance") });
      const outputs = [
        JSON.stringify(await host.validate("credential", plugin.id, settings, "credential.settings")),
        // What it resolves to is for the destination (AWS keys are in it): only a failure is output.
        await credential.resolve(context).then(() => "", errorText),
        JSON.stringify(await credential.test(context)),
      ];
      for (const output of [...outputs, logs()]) expect(output).not.toContain(secret);
    }, () => {
      // Declining is only honest when there is nothing secret to plant.
      expect([...(plugin.secrets ?? []), ...(plugin.platformSecrets ?? [])], "the credential declares no secret settings").toEqual([]);
    });
  });
}
