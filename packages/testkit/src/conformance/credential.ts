import { ConnectorError, createRunContext, type ConnectorPlugin, type Credential } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { describeDefinition, hostWith, platformOf, type SettingsFixtures } from "./definition.js";

export interface CredentialFixtures extends SettingsFixtures {
  /** Checks what `resolve()` returned really works (e.g. signs a call to the S3 emulator). */
  verifyResolved: (resolved: unknown) => Promise<void>;
  /** Settings that are well-formed but refused by the service (wrong role, wrong key…). */
  refusedSettings?: unknown;
  /** Secret values that must never appear in checks, errors or logs. */
  secrets?: () => string[];
}

/** The credential contract: resolves to something that works, tests itself, fails clearly. */
export function describeCredential(plugin: ConnectorPlugin, fixtures: CredentialFixtures): void {
  const make = async (settings: unknown) => {
    const host = hostWith(plugin, fixtures.plugins ?? [], platformOf(fixtures));
    const credential = await host.create<Credential>("credential", plugin.id, settings, { path: "credential.settings" });
    const context = createRunContext(host, { runId: "conformance", container: host.createRunContainer("conformance") });
    return { credential, context };
  };

  describe(`credential "${plugin.id}" conformance`, () => {
    describeDefinition(plugin, "credential", fixtures);

    it("resolves to something that works", async () => {
      const { credential, context } = await make(fixtures.settings);
      await fixtures.verifyResolved(await credential.resolve(context));
    });

    it("passes its own test against a working setup", async () => {
      const { credential, context } = await make(fixtures.settings);
      const checks = await credential.test(context);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => c.status === "failed")).toEqual([]);
    });

    if (fixtures.refusedSettings !== undefined) {
      it("reports refused credentials as a failed check with a workflow action, never a hang", async () => {
        const { credential, context } = await make(fixtures.refusedSettings);
        const checks = await credential.test(context);
        const failed = checks.filter((c) => c.status === "failed");
        expect(failed.length).toBeGreaterThan(0);
        expect(failed[0]?.error?.action?.steps.length ?? 0).toBeGreaterThan(0);
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
    }
  });
}
