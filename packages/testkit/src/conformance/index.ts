/**
 * Conformance suites: one line per plugin runs the shared contract tests of its kind.
 * Import from `@conveyor/testkit/conformance` inside vitest test files.
 */
export { describeFormatter, type FormatterFixtures } from "./formatter.js";
export { describeCompressor, type CompressorFixtures } from "./compressor.js";
export { describeEncryptor, type EncryptorFixtures } from "./encryptor.js";
export { describeCredential, type CredentialFixtures, type CredentialSetup } from "./credential.js";
export { describeDestination, type CredentialFixture, type DestinationFixtures, type DestinationSetup, type TransientFault } from "./destination.js";
export { hostWith, optOut, type Fixture, type InvalidSettingsCase, type OptOut, type SettingsFixtures } from "./definition.js";
export { stageContext } from "./context.js";
export { expectRenderableAction } from "./actions.js";
export { bufferFile, countingRows, failingFile, lazyFile, readAll } from "./streams.js";
