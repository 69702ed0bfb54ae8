/**
 * Conformance suites: one line per plugin runs the shared contract tests of its kind.
 * Import from `@conveyor/testkit/conformance` inside vitest test files.
 */
export { describeFormatter, type FormatterFixtures } from "./formatter.js";
export { describeCompressor, type CompressorFixtures } from "./compressor.js";
export { describeEncryptor, type EncryptorFixtures } from "./encryptor.js";
export { describeCredential, type CredentialFixtures } from "./credential.js";
export { describeDestination, type DestinationFixtures } from "./destination.js";
export { hostWith, type InvalidSettingsCase, type SettingsFixtures } from "./definition.js";
export { stageContext } from "./context.js";
export { bufferFile, countingRows, failingFile, lazyFile, readAll } from "./streams.js";
