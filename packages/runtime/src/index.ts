export { createConveyor, type Conveyor, type ConveyorOptions, type CredentialPolicies, type JobCheck, type PluginSummary, type RestartOptions, type RetryOptions, type SendOptions } from "./conveyor.js";
export { readInput, type Input, type InputFormat } from "./input/read-input.js";
export { jobDigest } from "./job-digest.js";
export { parseStructured } from "./job-text.js";

// What a host needs besides the API: the stores it may pass, errors and their categories, the
// secret registry its own output goes through, and zod for validating its own configuration.
export {
  asConnectorError,
  ConnectorError,
  EXIT_CODES,
  exitCodeFor,
  FileRunStore,
  formatProblems,
  invalidInput,
  isWorkflowActionKind,
  jobColumnsSchema,
  MemoryRunStore,
  problemsFromZod,
  SecretRegistry,
  settingsInvalid,
  systemClock,
  WORKFLOW_ACTION_KINDS,
  z,
} from "@conveyor/core";
export type {
  Clock,
  ConnectionCheck,
  ConnectorErrorJson,
  ErrorCategory,
  Job,
  PluginKind,
  Principal,
  Problem,
  ProgressReporter,
  ProgressUpdate,
  RefusedPlugin,
  Row,
  RunRecord,
  RunStore,
  Schema,
  Value,
  WorkflowAction,
  WorkflowActionKind,
} from "@conveyor/core";
