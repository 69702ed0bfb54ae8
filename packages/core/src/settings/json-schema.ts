import { z } from "zod";
import type { ConnectorPlugin } from "../plugin.js";
import { objectKeys, settingsSchemaOf } from "./validate.js";

type JsonSchema = Record<string, unknown>;

/**
 * The settings JSON Schema a host draws a form from (a destination's with the access switches
 * core adds). Secret fields are `writeOnly` (a form may set them, never show them back).
 */
export function settingsJsonSchema(plugin: ConnectorPlugin): JsonSchema {
  const zod = settingsSchemaOf(plugin);
  const schema = z.toJSONSchema(zod, { io: "input", unrepresentable: "any" }) as JsonSchema;
  for (const path of plugin.secrets ?? []) markWriteOnly(schema, path.split("."));
  return {
    // A union of modes is an object in every mode: say so, for forms that start from the type.
    ...(objectKeys(zod) ? { type: "object" } : {}),
    ...schema,
    title: plugin.displayName,
    description: plugin.description,
    "x-conveyor": { kind: plugin.kind, id: plugin.id, version: plugin.version },
  };
}

function markWriteOnly(schema: JsonSchema, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) {
    schema.writeOnly = true;
    return;
  }
  const child = (schema.properties as Record<string, JsonSchema> | undefined)?.[head];
  if (child) markWriteOnly(child, rest);
  // The property may sit behind a union (anyOf/oneOf, e.g. a discriminated union of modes), itself perhaps in another.
  for (const variant of variants(schema)) markWriteOnly(variant, path);
}

function variants(schema: JsonSchema): JsonSchema[] {
  return [...((schema.anyOf as JsonSchema[]) ?? []), ...((schema.oneOf as JsonSchema[]) ?? []), ...((schema.allOf as JsonSchema[]) ?? [])];
}
