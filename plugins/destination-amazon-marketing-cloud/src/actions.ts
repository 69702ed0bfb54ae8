import { ConnectorError, type WorkflowAction } from "@conveyor/core";
import type { Dataset } from "./dataset-definition.js";

/** The workflow actions: what went wrong with AMC and how a person fixes it. */

export function updateCredentialsAction(why: string): WorkflowAction {
  return {
    kind: "fix-credentials",
    id: "amc.update-credentials",
    title: "Update credentials",
    problem: `AMC refused the job's Login with Amazon credential: ${why}.`,
    steps: [
      "Open the job's api credential (login-with-amazon), or the `result_connection` in conveyor.config.yaml.",
      "Authorize again with Login with Amazon and paste the new refresh token; check the client id and client secret of the LwA security profile.",
      "Return to the failed run and retry the task.",
    ],
  };
}

/**
 * A setting found wrong only at run time (it depends on what AMC or the credential holds). The
 * action says which setting to change: retrying the task with the same settings fails again.
 */
export function settingsProblem(setting: string, problem: string, fix: string): ConnectorError {
  const path = `destination.settings.${setting}`;
  return new ConnectorError({
    code: "settings.invalid",
    category: "invalid-input",
    message: `${path}: ${problem}`,
    action: {
      kind: "fix-settings",
      id: "amc.fix-settings",
      title: "Fix the destination settings",
      problem: `${path} ${problem}.`,
      steps: [
        `In the job's destination settings (or the workflow's result_settings), ${fix}.`,
        "Restart the workflow with the corrected settings; retrying the task with the same settings fails the same way.",
      ],
    },
    details: { setting },
  });
}

/** AMC refused the account or instance for this user: AMC's own words go into the action. */
export function accessDenied(instanceId: string, what: string, details: Record<string, unknown>): ConnectorError {
  return new ConnectorError({
    code: "amc.access-denied",
    category: "needs-person",
    message: `${what}. The user who authorized these credentials needs access to AMC instance ${instanceId} and its account (amc_account_id)`,
    action: {
      kind: "fix-permissions",
      id: "amc.access-denied",
      title: "Give access to the AMC instance",
      problem: `${what}.`,
      steps: [
        "Check amc_account_id: the entityId (ENTITY…) of the account that holds the instance, or leave it blank to use the first account the credentials list.",
        `In the AMC console, give the user who authorized this destination access to instance ${instanceId}, or authorize again with a user who has it (new refresh token).`,
        "Return to the failed run and resolve it to retry.",
      ],
    },
    details,
  });
}

export function termsNotAccepted(instanceId: string, amcMessage: string): ConnectorError {
  return new ConnectorError({
    code: "amc.terms-not-accepted",
    category: "needs-person",
    message: `AMC refused the call: the terms and conditions are not accepted for this account (${amcMessage})`,
    action: {
      kind: "fix-permissions",
      id: "amc.terms-not-accepted",
      title: "Accept the AMC terms",
      problem: `The Amazon Ads account behind these credentials has not accepted the Amazon Marketing Cloud terms (instance ${instanceId}).`,
      steps: [
        "Sign in to https://advertising.amazon.com/marketing-cloud with the user who authorized this destination.",
        "Open the instance and accept the terms and conditions when asked.",
        "Return to the failed run and resolve it to retry.",
      ],
    },
    details: { amc_instance_id: instanceId },
  });
}

export function datasetMissing(datasetId: string, instanceId: string, hint?: Dataset): ConnectorError {
  const example = hint ?? {
    dataSetId: datasetId,
    columns: [
      { name: "email", columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: "EMAIL" } },
      { name: "record_date", columnType: "DIMENSION", dataType: "DATE", isMainEventTime: true },
    ],
    countryCode: "US",
  };
  const definition = JSON.stringify({ dataSet: example });
  return new ConnectorError({
    code: "amc.dataset-missing",
    category: "needs-person",
    message: `AMC instance ${instanceId} has no dataset "${datasetId}"`,
    action: {
      kind: "fix-settings",
      id: "amc.dataset-missing",
      title: "Create the dataset",
      problem: `Dataset "${datasetId}" does not exist in AMC instance ${instanceId}.`,
      steps: [
        `Check the dataset id in the AMC query editor; or let this destination create it: set create_dataset: true and dataset_definition, for example ${definition}`,
        "Return to the failed run and resolve it to retry.",
      ],
    },
    details: { dataset_id: datasetId, amc_instance_id: instanceId, dataset_definition_example: definition },
  });
}

/** The seed's bucket policy with the bucket and the data-upload account filled in. */
export function bucketPolicy(bucket: string, dataUploadAccountId?: string): object {
  const account = dataUploadAccountId ?? "{{Data upload AWS account ID}}";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:PutObject", "s3:PutObjectAcl", "s3:GetObjectTagging", "s3:GetBucketTagging"],
        Resource: [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}`],
      },
    ],
  };
}

export function bucketNotReadable(options: { bucket: string; instanceId: string; dataUploadAccountId?: string; amcMessage: string; uploadId?: string }): ConnectorError {
  const policy = JSON.stringify(bucketPolicy(options.bucket, options.dataUploadAccountId), null, 2);
  return new ConnectorError({
    code: "amc.bucket-not-readable",
    category: "needs-person",
    message: `AMC cannot read the staged files in bucket ${options.bucket}: ${options.amcMessage}`,
    action: {
      kind: "fix-permissions",
      id: "amc.bucket-not-readable",
      title: "Let AMC read the bucket",
      problem: `AMC's data upload account cannot read s3://${options.bucket} for instance ${options.instanceId}.`,
      steps: [
        `In the S3 console, open bucket ${options.bucket} → Permissions → Bucket policy, and add:\n${policy}`,
        `Under Properties → Tags, add the tag instanceId = ${options.instanceId}.`,
        ...(options.dataUploadAccountId ? [] : ["Replace {{Data upload AWS account ID}} with the account shown on the AMC instance info page (or set amc_data_upload_account_id)."]),
        "Return to the failed run and resolve it to retry.",
      ],
    },
    details: { bucket: options.bucket, amc_instance_id: options.instanceId, ...(options.uploadId ? { upload_id: options.uploadId } : {}) },
  });
}

export function uploadFailed(options: { datasetId: string; uploadId: string; amcMessage: string }): ConnectorError {
  return new ConnectorError({
    code: "amc.upload-failed",
    category: "needs-person",
    message: `AMC failed upload ${options.uploadId} to dataset "${options.datasetId}": ${options.amcMessage}`,
    action: {
      kind: "fix-input",
      id: "amc.upload-failed",
      title: "Fix the upload AMC refused",
      problem: `AMC could not ingest the files: ${options.amcMessage}`,
      steps: [
        "Read AMC's message above: it names the file, column or value it could not take.",
        "Correct the query (column names and types as the dataset defines them) or the dataset definition.",
        "Restart the workflow with the corrected query or dataset: a retried task would submit the same files again.",
      ],
    },
    details: { dataset_id: options.datasetId, upload_id: options.uploadId },
  });
}

export function audienceTooSmall(options: { audienceExecutionId: string; statusReason: string; audienceCount?: number }): ConnectorError {
  return new ConnectorError({
    code: "amc.audience-too-small",
    category: "needs-person",
    message: `AMC did not create audience ${options.audienceExecutionId}: ${options.statusReason}`,
    action: {
      kind: "fix-input",
      id: "amc.audience-too-small",
      title: "Audience too small",
      problem: "Amazon DSP needs at least 2,000 users in an audience.",
      steps: [
        "Widen the query or the time window (time_window_start, time_window_end) so that it selects at least 2,000 user_ids.",
        "Restart the workflow with the new settings.",
      ],
    },
    details: { audience_execution_id: options.audienceExecutionId, ...(options.audienceCount !== undefined ? { audience_count: options.audienceCount } : {}) },
  });
}

/** AMC's failure texts that mean "cannot read the bucket" rather than "bad data" (inferred). */
export function looksLikeBucketAccess(message: string): boolean {
  return /access denied|accessdenied|not authori[sz]ed|forbidden|bucket policy|tag(ged)?\b.*instanceid|instanceid.*tag|cannot read|could not read|unable to (read|access)/i.test(message);
}

/** AMC's texts for an audience under the DSP minimum (inferred). */
export function looksLikeTooSmall(reason: string): boolean {
  return /too small|minimum|at least 2,?000|fewer than 2,?000|below 2,?000|2,?000 (users|identities)/i.test(reason);
}
