import { ConnectorError, type Clock, type DestinationContext, type Row } from "@conveyor/core";
import { audienceTooSmall, looksLikeTooSmall } from "./actions.js";
import type { AmcClient } from "./client.js";
import { mayHaveHappened } from "./http.js";
import { poll } from "./poll.js";
import type { AmcAudienceSettings } from "./settings.js";
import { amcTimestamp } from "./time.js";

export interface AudienceView {
  audienceExecutionId: string;
  status: string;
  statusReason?: string;
  audienceCount?: number;
  dspAudienceId?: string;
}

/**
 * The platform triggers an audience with a one-row query (`SELECT 1`): no rows are sent, and
 * more than one row means the wrong query was attached — refused before anything is created.
 */
export async function countTriggerRows(rows: AsyncIterable<Row>): Promise<number> {
  let count = 0;
  for await (const _ of rows) {
    if (++count > 1) {
      throw new ConnectorError({
        code: "amc.audience-input",
        category: "invalid-input",
        message: "a rule-based audience takes at most one input row (trigger it with SELECT 1): the audience comes from the AMC query in the query setting, not from these rows",
      });
    }
  }
  return count;
}

export function audienceBody(s: AmcAudienceSettings): Record<string, unknown> {
  return {
    audienceName: s.audience_name,
    ...(s.audience_description ? { audienceDescription: s.audience_description } : {}),
    advertiserId: s.advertiser_id,
    query: s.query,
    timeWindowStart: amcTimestamp(s.time_window_start),
    timeWindowEnd: amcTimestamp(s.time_window_end),
    refreshRateDays: s.refresh_rate_days,
    timeWindowRelative: s.time_window_relative,
  };
}

/**
 * Creates the audience (a task: a retried run does not create it twice) and, with `wait`, polls
 * until it SUCCEEDED. A create is not idempotent and AMC lists no audiences by request, so only
 * throttling is retried; a lost answer fails the run saying the audience may exist.
 */
export async function createAudience(
  client: AmcClient,
  s: AmcAudienceSettings,
  options: { wait: boolean; timeoutMs: number; clock: Clock; context: DestinationContext },
): Promise<AudienceView> {
  const created = await options.context.tasks.run(`amc audience ${s.audience_name}`, async () => {
    try {
      return await client.request<AudienceView>({ operation: `create audience ${s.audience_name}`, method: "POST", path: "/amc/audiences/query", body: audienceBody(s), api: "audience", retries: "throttling" });
    } catch (error) {
      if (!mayHaveHappened(error)) throw error;
      throw new ConnectorError({
        code: "amc.audience-unconfirmed",
        category: "transient",
        message: `AMC did not confirm creating audience "${s.audience_name}" (${(error as Error).message}); it may exist already — check Amazon DSP before running again`,
        cause: error,
      });
    }
  });
  if (!options.wait) return created;
  const done = await poll(
    async () => {
      const view = await client.request<AudienceView>({ operation: `get audience ${created.audienceExecutionId}`, method: "GET", path: `/amc/audiences/query/${encodeURIComponent(created.audienceExecutionId)}`, api: "audience" });
      return view.status === "PENDING" || view.status === "RUNNING" ? undefined : view;
    },
    { clock: options.clock, signal: options.context.signal, timeoutMs: options.timeoutMs, what: `audience ${created.audienceExecutionId}` },
  );
  if (done.status === "FAILED") {
    const reason = done.statusReason ?? "AMC gave no reason";
    if (looksLikeTooSmall(reason)) throw audienceTooSmall({ audienceExecutionId: done.audienceExecutionId, statusReason: reason, ...(done.audienceCount !== undefined ? { audienceCount: done.audienceCount } : {}) });
    throw new ConnectorError({
      code: "amc.audience-failed",
      category: "invalid-input",
      message: `AMC failed audience ${done.audienceExecutionId}: ${reason}`,
      details: { audience_execution_id: done.audienceExecutionId, status: done.status, status_reason: reason },
    });
  }
  return { ...done, audienceExecutionId: done.audienceExecutionId ?? created.audienceExecutionId };
}
