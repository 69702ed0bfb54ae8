/**
 * `POST …/userDeletionRequest`: up to 1,000 identities (`{"hashedIdentity": {"EMAIL": "<sha256>", …}}`)
 * removed from every dataset when the job finishes; `GET …/userDeletionRequest/{id}`.
 */
import { HASHED_PII_TYPES, type HashedPiiType } from "./datasets.js";
import { badRequest, notFound } from "./errors.js";
import { ids } from "./ids.js";
import { amcTime, type JobQueue } from "./jobs.js";
import { matchesIdentity } from "./rows.js";
import { page, type AmcStore } from "./store.js";

export const MAX_DELETION_IDENTITIES = 1000;

export interface DeletionView {
  userDeletionRequestId: string;
  status: "PENDING" | "SUCCEEDED";
  identityCount: number;
  creationDateTime: string;
}

interface DeletionRecord {
  view: DeletionView;
  identities: Array<Record<string, string>>;
  /** Rows removed, per dataset (emulator-only, for tests). */
  removed: Record<string, number>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function validate(body: unknown): Array<Record<string, string>> {
  const targets = isObject(body) ? body["targetIdentities"] : undefined;
  if (!Array.isArray(targets) || targets.length === 0) throw badRequest("targetIdentities must be a non-empty array");
  if (targets.length > MAX_DELETION_IDENTITIES) {
    throw badRequest(`targetIdentities has ${targets.length} identities; at most ${MAX_DELETION_IDENTITIES} are allowed per request`);
  }
  const errors: string[] = [];
  const identities = targets.map((target, i) => {
    // An external identity (`{externalIdentity: {type, value}}`) is accepted but matches no hashed rows.
    if (isObject(target) && isObject(target["externalIdentity"])) return {};
    const hashed = isObject(target) ? target["hashedIdentity"] : undefined;
    if (!isObject(hashed) || Object.keys(hashed).length === 0) {
      errors.push(`targetIdentities[${i}] must be {"hashedIdentity": {"EMAIL": "<sha256>", …}}`);
      return {};
    }
    for (const [type, value] of Object.entries(hashed)) {
      if (!HASHED_PII_TYPES.includes(type as HashedPiiType)) errors.push(`targetIdentities[${i}].hashedIdentity: ${type} is not one of ${HASHED_PII_TYPES.join(", ")}`);
      else if (typeof value !== "string" || !/^[0-9a-fA-F]{64}$/.test(value)) errors.push(`targetIdentities[${i}].hashedIdentity.${type} must be a SHA-256 hex digest`);
    }
    return hashed as Record<string, string>;
  });
  if (errors.length > 0) throw badRequest(`Invalid user deletion request: ${errors[0]}`, errors);
  return identities;
}

export class Deletions {
  private readonly records: DeletionRecord[] = [];

  constructor(private readonly store: AmcStore, private readonly queue: JobQueue) {}

  create(body: unknown): { userDeletionRequestId: string } {
    const identities = validate(body);
    const now = this.queue.clock.now();
    const record: DeletionRecord = {
      view: { userDeletionRequestId: ids.deletion(), status: "PENDING", identityCount: identities.length, creationDateTime: amcTime(now) },
      identities,
      removed: {},
    };
    this.records.push(record);
    this.queue.add({
      createdAt: now,
      done: false,
      start: () => undefined,
      ready: () => true,
      finish: () => {
        for (const [id, dataSet] of this.store.dataSets) {
          const rows = this.store.rows.get(id) ?? [];
          const kept = rows.filter((row) => !identities.some((identity) => matchesIdentity(dataSet, row, identity)));
          record.removed[id] = rows.length - kept.length;
          this.store.rows.set(id, kept);
        }
        record.view.status = "SUCCEEDED";
      },
    });
    return { userDeletionRequestId: record.view.userDeletionRequestId };
  }

  get(id: string): { identityDeletion: DeletionView } {
    const record = this.records.find((r) => r.view.userDeletionRequestId === id);
    if (!record) throw notFound(`User deletion request ${id} does not exist`);
    return { identityDeletion: { ...record.view } };
  }

  list(params: URLSearchParams): { userDeletions: DeletionView[]; nextToken?: string } {
    const { items, nextToken } = page(this.records.map((r) => ({ ...r.view })).reverse(), params);
    return { userDeletions: items, ...(nextToken ? { nextToken } : {}) };
  }

  all(): Array<DeletionView & { removedRows: Record<string, number> }> {
    return this.records.map((r) => ({ ...r.view, removedRows: { ...r.removed } }));
  }
}
