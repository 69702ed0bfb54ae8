/**
 * Rule-based audiences: `POST /amc/audiences/query` runs the query (the subset in query.ts)
 * against the stored rows when its job finishes; fewer than `minAudienceSize` distinct users
 * (Amazon DSP's 2,000) is FAILED with a statusReason. `GET /amc/audiences/query/{id}`.
 */
import { mainEventTimeColumn } from "./datasets.js";
import { badRequest, notFound } from "./errors.js";
import { ids } from "./ids.js";
import { amcTime, type JobQueue } from "./jobs.js";
import { parseAudienceQuery, SUPPORTED_QUERY } from "./query.js";
import { userIdOf } from "./rows.js";
import { page, type AmcStore } from "./store.js";

/** The statuses Amazon documents for an audience execution. */
export type AudienceStatus = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface AudienceView {
  audienceExecutionId: string;
  instanceId: string;
  advertiserId: string;
  audienceName: string;
  audienceDescription?: string;
  query: string;
  timeWindowStart: string;
  timeWindowEnd: string;
  refreshRateDays: number;
  timeWindowRelative: boolean;
  createTime: string;
  status: AudienceStatus;
  statusReason?: string;
  audienceCount?: number;
  dspAudienceId?: string;
  lastRefreshedTime?: string;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function validate(body: unknown, advertiserId: string): Omit<AudienceView, "audienceExecutionId" | "instanceId" | "createTime" | "status"> {
  if (!isObject(body)) throw badRequest("The request body must be a JSON object");
  const errors: string[] = [];
  const text = (name: string, required: boolean) => {
    const value = body[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value.trim() === "") errors.push(`${name} must be a non-empty string`);
    return value as string;
  };
  const name = text("audienceName", true);
  const description = text("audienceDescription", false);
  const advertiser = text("advertiserId", true);
  const query = text("query", true);
  const start = text("timeWindowStart", true);
  const end = text("timeWindowEnd", true);
  for (const [key, value] of [["timeWindowStart", start], ["timeWindowEnd", end]] as const) {
    if (typeof value === "string" && !TIME.test(value)) errors.push(`${key} must be UTC yyyy-MM-ddTHH:mm:ssZ; got ${value}`);
  }
  if (typeof start === "string" && typeof end === "string" && TIME.test(start) && TIME.test(end) && start >= end) errors.push("timeWindowStart must be before timeWindowEnd");
  const refresh = body["refreshRateDays"] ?? 21;
  if (!Number.isInteger(refresh) || (refresh as number) < 0 || (refresh as number) > 21) errors.push("refreshRateDays must be an integer from 0 to 21");
  const relative = body["timeWindowRelative"] ?? false;
  if (typeof relative !== "boolean") errors.push("timeWindowRelative must be a boolean");
  if (typeof advertiser === "string" && advertiser !== advertiserId) errors.push(`advertiserId ${advertiser} is not linked to this AMC instance`);
  if (errors.length > 0) throw badRequest(`Invalid audience request: ${errors[0]}`, errors);
  return {
    audienceName: name!, ...(description ? { audienceDescription: description } : {}), advertiserId: advertiser!, query: query!,
    timeWindowStart: start!, timeWindowEnd: end!, refreshRateDays: refresh as number, timeWindowRelative: relative as boolean,
  };
}

export class Audiences {
  private readonly records: AudienceView[] = [];

  constructor(
    private readonly store: AmcStore,
    private readonly queue: JobQueue,
    private readonly instanceId: string,
    private readonly advertiserId: string,
    private readonly minAudienceSize: number,
  ) {}

  create(body: unknown) {
    const now = this.queue.clock.now();
    const view: AudienceView = {
      audienceExecutionId: ids.audience(), instanceId: this.instanceId, ...validate(body, this.advertiserId), createTime: amcTime(now), status: "PENDING",
    };
    this.records.push(view);
    this.queue.add({
      createdAt: now,
      done: false,
      start: () => void (view.status === "PENDING" && (view.status = "RUNNING")),
      ready: () => true,
      finish: (at) => this.evaluate(view, at),
    });
    return { audienceExecutionId: view.audienceExecutionId, audienceExecutionDescription: "Audience creation request accepted", status: "PENDING" as const };
  }

  private evaluate(view: AudienceView, at: number): void {
    const fail = (reason: string) => Object.assign(view, { status: "FAILED", statusReason: reason });
    let parsed;
    try {
      parsed = parseAudienceQuery(view.query);
    } catch (error) {
      return void fail(`Query not supported by the emulator (${(error as Error).message}); it runs ${SUPPORTED_QUERY}`);
    }
    const dataSet = this.store.dataSets.get(parsed.dataSetId);
    if (!dataSet) return void fail(`Table ${parsed.dataSetId} does not exist in instance ${this.instanceId}`);
    const columns = parsed.where.map((c) => ({ ...c, name: dataSet.columns.find((d) => d.name.toLowerCase() === c.column.toLowerCase())?.name }));
    const unknown = columns.find((c) => c.name === undefined);
    if (unknown) return void fail(`Column ${unknown.column} does not exist in table ${dataSet.dataSetId}`);
    // Fact rows count only inside the audience's time window, as AMC scopes every query to it.
    const eventTime = mainEventTimeColumn(dataSet)?.name;
    const [from, to] = [Date.parse(view.timeWindowStart), Date.parse(view.timeWindowEnd)];
    const users = new Set<string>();
    for (const row of this.store.rows.get(dataSet.dataSetId) ?? []) {
      if (!columns.every((c) => c.values.includes(row[c.name!] ?? ""))) continue;
      if (eventTime) {
        const t = Date.parse(row[eventTime] ?? "");
        if (!(t >= from && t < to)) continue;
      }
      const userId = userIdOf(dataSet, row);
      if (userId) users.add(userId);
    }
    view.audienceCount = users.size;
    if (users.size < this.minAudienceSize) {
      return void fail(`Audience size ${users.size} is below the minimum of ${this.minAudienceSize.toLocaleString("en-US")} users required by Amazon DSP`);
    }
    Object.assign(view, { status: "SUCCEEDED", statusReason: "Audience created and activated in Amazon DSP", dspAudienceId: ids.dspAudience(), lastRefreshedTime: amcTime(at) });
  }

  get(id: string): AudienceView {
    const view = this.records.find((r) => r.audienceExecutionId === id);
    if (!view) throw notFound(`Audience execution ${id} does not exist`);
    return { ...view };
  }

  list(params: URLSearchParams): { executionMetadata: AudienceView[]; nextToken?: string } {
    const { items, nextToken } = page(this.records.map((r) => this.get(r.audienceExecutionId)).reverse(), params);
    return { executionMetadata: items, ...(nextToken ? { nextToken } : {}) };
  }
}
