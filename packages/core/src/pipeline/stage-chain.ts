import type { Compressor, Encryptor, Formatter, StageResolver } from "../contracts.js";
import type { StageReference } from "../plugin.js";

/** One stage as a destination's settings name it: a plugin id and that plugin's settings. */
export interface StageChoice {
  readonly id: string;
  readonly settings: unknown;
}

/** The stages a destination composes, by role: always a formatter, optionally a compressor and an encryptor. */
export interface StageChoices {
  readonly formatter: StageChoice;
  readonly compressor?: StageChoice;
  readonly encryptor?: StageChoice;
}

/** The resolved stages of a file pipeline, ready for `runFilePipeline`. */
export interface StageChain {
  formatter: Formatter;
  compressor?: Compressor;
  encryptor?: Encryptor;
}

/** Resolves each chosen stage through the host, by its role (never importing the stage's plugin). */
export function resolveStageChain(choices: StageChoices, stages: StageResolver): StageChain {
  const { formatter, compressor, encryptor } = choices;
  return {
    formatter: stages.formatter(formatter.id, formatter.settings),
    ...(compressor ? { compressor: stages.compressor(compressor.id, compressor.settings) } : {}),
    ...(encryptor ? { encryptor: stages.encryptor(encryptor.id, encryptor.settings) } : {}),
  };
}

/**
 * The stages a plugin's `composes` lists, by role. The list is the one validation checked, so the
 * chain that runs is the chain that was validated; its order does not matter, its kinds do.
 */
export function stageChoicesOf(references: readonly StageReference[]): StageChoices {
  const byKind = new Map<StageReference["kind"], StageChoice>();
  for (const { kind, id, settings } of references) {
    const taken = byKind.get(kind);
    if (taken) throw new Error(`a file pipeline has one ${kind}; two were composed: "${taken.id}" and "${id}"`);
    byKind.set(kind, { id, settings });
  }
  const formatter = byKind.get("formatter");
  if (!formatter) throw new Error("a file pipeline starts with a formatter; none was composed");
  const compressor = byKind.get("compressor");
  const encryptor = byKind.get("encryptor");
  return { formatter, ...(compressor ? { compressor } : {}), ...(encryptor ? { encryptor } : {}) };
}
