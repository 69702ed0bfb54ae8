import { join } from "node:path";
import { invalidInput, type Notification } from "@conveyor/core";
import { jsonNames, readJson, writeJsonAtomic } from "./json-file.js";

export type NotificationLevel = Notification["level"];
export type NotificationKind = "run-failed" | "schedule-disabled" | "schedule-recovered" | "slot-interrupted";

/** What the scheduler raises: a core notification, with the schedule and slot it is about. */
export interface NotificationMessage extends Notification {
  kind: NotificationKind;
  schedule_id: string;
  job: string;
  scheduled_time?: string;
}

export interface Delivery {
  channel: string;
  at: string;
  ok: boolean;
  error?: string;
}

export interface StoredNotification extends NotificationMessage {
  read: boolean;
  deliveries: Delivery[];
}

export type { Notifier, NotifierContext } from "@conveyor/core";

/** Notifications as JSON under `<stateDir>/notifications/<id>.json`, newest last by id. */
export class NotificationStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, "notifications");
  }

  async save(notification: StoredNotification): Promise<void> {
    await writeJsonAtomic(join(this.dir, `${notification.id}.json`), notification);
  }

  /** Newest first. */
  async list(options: { unread?: boolean } = {}): Promise<StoredNotification[]> {
    const all = await Promise.all((await jsonNames(this.dir)).map((id) => readJson<StoredNotification>(join(this.dir, `${id}.json`))));
    return all.filter((n): n is StoredNotification => n !== undefined && (!options.unread || !n.read)).reverse();
  }

  async get(id: string): Promise<StoredNotification> {
    const found = await readJson<StoredNotification>(join(this.dir, `${id}.json`));
    if (!found) throw invalidInput("notification.not-found", `no notification "${id}" in ${this.dir}`);
    return found;
  }

  /** Marks the given notifications (all unread ones when none are named) read; returns how many changed. */
  async markRead(ids?: readonly string[]): Promise<number> {
    const targets = ids?.length ? await Promise.all(ids.map((id) => this.get(id))) : await this.list({ unread: true });
    const changed = targets.filter((n) => !n.read);
    for (const n of changed) await this.save({ ...n, read: true });
    return changed.length;
  }
}

let counter = 0;

/** Sortable by creation: `20250131T142501123-0001-k3x9`. */
export function newNotificationId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, "").replace(/Z$/, "");
  counter = (counter + 1) % 10_000;
  return `${stamp}-${String(counter).padStart(4, "0")}-${Math.random().toString(36).slice(2, 6).padEnd(4, "0")}`;
}
