/**
 * S3 bucket naming rules (and access point aliases), checked before any network call. Returns
 * what is wrong, or undefined when the name is acceptable.
 */
export function bucketNameProblem(name: string): string | undefined {
  // Refused here rather than failing at run time: an ARN needs virtual-hosted requests to the
  // access point's own endpoint, which the S3 client (path-style, custom endpoints) does not make.
  if (isAccessPointArn(name)) return ACCESS_POINT_ARN_REFUSAL;
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

export const ACCESS_POINT_ARN_REFUSAL =
  "is an access point ARN, which is not supported as the bucket; use the access point's alias instead " +
  "(name-…-s3alias, shown with the access point in the S3 console and by `aws s3control get-access-point`)";

/** `arn:<partition>:s3:<region>:<account>:accesspoint/…`, well-formed or not. */
export function isAccessPointArn(name: string): boolean {
  return /^arn:[^:]*:s3:[^:]*:[^:]*:accesspoint[/:]/.test(name);
}
