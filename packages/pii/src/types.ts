import { PII_KINDS, type PiiKind } from "@conveyor/core";

/** Amazon's identifier types: the `pii` tags a schema column can carry. */
export type PiiType = PiiKind;
export const PII_TYPES: readonly PiiType[] = PII_KINDS;

export interface PiiOptions {
  /** ISO 3166-1 alpha-2 country of the data (the dataset's country). Default `US`. */
  country?: string;
}

/** Turns one raw value into its normalized form, or `null` when it is empty or invalid for its type. */
export type Normalizer = (value: string) => string | null;
