export { createClock, type EmulatorClock } from "./clock.js";
export { FaultInjector, validateFaultSpec, type FaultSpec, type FaultType, type InjectedFault } from "./faults.js";
export {
  DEFAULT_ACCOUNT_ID,
  IdentityStore,
  roleFromPolicies,
  type Identity,
  type Role,
  type RoleDefinition,
  type UserDefinition,
} from "./identities.js";
export type { PendingUpload } from "./multipart.js";
export {
  grantsFromPolicy,
  isAllowed,
  isTrusted,
  trustFromPolicy,
  type Grant,
  type PolicyDocument,
  type TrustPolicy,
} from "./policy.js";
export { isValidBucketName } from "./s3-operations.js";
export { startS3Emulator, type S3Emulator, type S3EmulatorOptions } from "./s3-front.js";
export { startStsEmulator, type StsEmulator, type StsEmulatorOptions } from "./sts.js";
