/**
 * S3 bucket naming rules (and the access point forms the spec allows), checked before any
 * network call. Returns what is wrong, or undefined when the name is acceptable.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (ACCESS_POINT_ARN.test(name)) return undefined;
  if (name.endsWith("-s3alias")) {
    return /^[a-z0-9][a-z0-9-]{1,48}-[a-z0-9]+-s3alias$/.test(name) ? undefined : "is not a valid access point alias (name-…-s3alias)";
  }
  if (name.length < 3 || name.length > 63) return "must be 3–63 characters";
  if (!/^[a-z0-9.-]+$/.test(name)) return "may contain only lowercase letters, digits, '.' and '-'";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "must start and end with a letter or digit";
  if (name.includes("..")) return "must not contain two periods in a row";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not be formatted as an IP address";
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) if (name.startsWith(prefix)) return `must not start with "${prefix}"`;
  for (const suffix of ["--ol-s3", ".mrap", "--x-s3"]) if (name.endsWith(suffix)) return `must not end with "${suffix}"`;
  return undefined;
}

/** `arn:aws:s3:<region>:<account>:accesspoint/<name>` (also in the China and GovCloud partitions). */
const ACCESS_POINT_ARN = /^arn:(aws|aws-cn|aws-us-gov):s3:[a-z0-9-]+:\d{12}:accesspoint\/[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$/;

export function isAccessPointArn(name: string): boolean {
  return ACCESS_POINT_ARN.test(name);
}
