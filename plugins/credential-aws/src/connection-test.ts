import type { ConnectionCheck, ConnectionScope, PluginContext } from "@conveyor/core";
import { probeBucket, type AwsConnection } from "@conveyor/aws";

/** The bucket probe (under the destination's prefix when it says) when a bucket is named. */
export async function probeIfBucket(
  connection: AwsConnection,
  settings: { bucket?: string | undefined; probe_prefix: string; probe_cleanup: boolean },
  context: PluginContext,
  scope?: ConnectionScope,
): Promise<ConnectionCheck[]> {
  if (!settings.bucket) return [];
  return probeBucket(connection, {
    bucket: settings.bucket,
    prefix: scope?.prefix ?? settings.probe_prefix,
    cleanup: settings.probe_cleanup,
    now: context.clock.now(),
    signal: context.signal,
  });
}
