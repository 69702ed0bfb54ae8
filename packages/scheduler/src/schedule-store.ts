import { join } from "node:path";
import { invalidInput, type ConnectorErrorJson } from "@conveyor/core";
import { jsonNames, readJson, removePath, writeJsonAtomic } from "./json-file.js";
import { newScheduleId, parseScheduleSettings, type Schedule } from "./schedule.js";

export type SlotStatus = "running" | "succeeded" | "failed" | "skipped" | "interrupted";

export interface SlotAttempt {
  run_id?: string;
  status: "succeeded" | "failed";
  started_at: string;
  finished_at: string;
  /** Why it failed; its category decides whether the slot is retried or counts towards disabling. */
  error?: Pick<ConnectorErrorJson, "code" | "message" | "category">;
}

/** The outcome of one slot: written `running` before the run starts, final after. */
export interface SlotRecord {
  schedule_id: string;
  /** The slot (the run's scheduled time); the run started at slot + delay. */
  scheduled_time: string;
  status: SlotStatus;
  /** The process that claimed the slot, so a restart can tell a crashed run from a live one. */
  pid: number;
  started_at: string;
  finished_at?: string;
  attempts: SlotAttempt[];
  reason?: string;
}

/**
 * Schedules as JSON under `<stateDir>/schedules/<id>.json`, and each slot's outcome under
 * `<stateDir>/schedules/<id>/slots/<slot>.json`, so a restarted scheduler knows what ran.
 */
export class ScheduleStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, "schedules");
  }

  async add(raw: unknown, now: Date, id?: string): Promise<Schedule> {
    const settings = parseScheduleSettings(raw);
    const scheduleId = id ?? newScheduleId(settings.job);
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(scheduleId)) throw invalidInput("schedule.invalid-id", `id: "${scheduleId}" must be 1-64 lowercase letters, digits and dashes`, { field: "id" });
    if (await readJson(this.file(scheduleId))) throw invalidInput("schedule.exists", `a schedule "${scheduleId}" already exists`);
    const schedule: Schedule = { id: scheduleId, ...settings, created_at: now.toISOString(), updated_at: now.toISOString(), cursor: now.toISOString(), consecutive_config_failures: 0 };
    await this.save(schedule);
    return schedule;
  }

  async save(schedule: Schedule): Promise<void> {
    await writeJsonAtomic(this.file(schedule.id), schedule);
  }

  async get(id: string): Promise<Schedule> {
    const schedule = await readJson<Schedule>(this.file(id));
    if (!schedule) {
      const ids = await jsonNames(this.dir);
      throw invalidInput("schedule.not-found", `no schedule "${id}"; ${ids.length ? `there are: ${ids.join(", ")}` : "there are none"}`);
    }
    return schedule;
  }

  async list(): Promise<Schedule[]> {
    return Promise.all((await jsonNames(this.dir)).map((id) => this.get(id)));
  }

  /** Reads, changes and writes one schedule (the loop and the CLI both edit schedules). */
  async update(id: string, change: (schedule: Schedule) => void, now: Date): Promise<Schedule> {
    const schedule = await this.get(id);
    change(schedule);
    schedule.updated_at = now.toISOString();
    await this.save(schedule);
    return schedule;
  }

  /**
   * Enabling starts from now: slots that passed while the schedule was disabled were not
   * missed, they were not wanted. The failure count starts again too.
   */
  async setEnabled(id: string, enabled: boolean, now: Date): Promise<Schedule> {
    return this.update(
      id,
      (s) => {
        if (enabled && !s.enabled) {
          s.cursor = now.toISOString();
          s.consecutive_config_failures = 0;
          delete s.disabled_reason;
          delete s.disabled_at;
        }
        if (!enabled && s.enabled) {
          s.disabled_reason = "disabled by an operator";
          s.disabled_at = now.toISOString();
        }
        s.enabled = enabled;
      },
      now,
    );
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await removePath(this.file(id));
    await removePath(join(this.dir, id));
  }

  async slot(id: string, slot: Date): Promise<SlotRecord | undefined> {
    return readJson<SlotRecord>(this.slotFile(id, slot));
  }

  async saveSlot(record: SlotRecord): Promise<void> {
    await writeJsonAtomic(this.slotFile(record.schedule_id, new Date(record.scheduled_time)), record);
  }

  /** Oldest first. */
  async slots(id: string): Promise<SlotRecord[]> {
    const dir = join(this.dir, id, "slots");
    const names = await jsonNames(dir);
    return (await Promise.all(names.map((n) => readJson<SlotRecord>(join(dir, `${n}.json`))))).filter((r): r is SlotRecord => r !== undefined);
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private slotFile(id: string, slot: Date): string {
    // Colons are not allowed in Windows file names; the stamp still sorts by time.
    return join(this.dir, id, "slots", `${slot.toISOString().replace(/:/g, "")}.json`);
  }
}
