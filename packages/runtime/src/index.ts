export { createConveyor, type Conveyor, type ConveyorOptions, type CredentialPolicies, type JobCheck, type PluginSummary, type RestartOptions, type RetryOptions, type SendOptions } from "./conveyor.js";
export { readInput, type Input, type InputFormat } from "./input/read-input.js";
export { jobDigest } from "./job-digest.js";
export { parseStructured } from "./job-text.js";

// What a host needs besides the API: the stores it may pass, and the types it handles.
export { FileRunStore, MemoryRunStore, exitCodeFor, EXIT_CODES, ConnectorError, WORKFLOW_ACTION_KINDS, isWorkflowActionKind } from "@conveyor/core";
export type {
  ConnectionCheck,
  ConnectorErrorJson,
  ErrorCategory,
  Job,
  Principal,
  Problem,
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
