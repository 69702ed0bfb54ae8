/**
 * Names each S3 request (path-style) and the IAM actions it needs, on which resource, the way
 * AWS authorizes it.
 */
import type { Query } from "./sigv4.js";

export interface S3Operation {
  name: string;
  bucket?: string;
  /** Decoded object key. */
  key?: string;
  /** Each `[action, resource]` must be allowed; resource is `bucket` or `bucket/key`. */
  required: Array<[action: string, resource: string]>;
}

const has = (query: Query, name: string) => query[name] !== undefined;
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function classifyS3Request(method: string, rawPath: string, query: Query, headers: Record<string, unknown>): S3Operation {
  const path = rawPath.replace(/^\//, "");
  const slash = path.indexOf("/");
  const bucket = decodeURIComponent(slash < 0 ? path : path.slice(0, slash)) || undefined;
  const key = slash < 0 || slash === path.length - 1 ? undefined : decodeURIComponent(path.slice(slash + 1));
  const m = method;

  if (bucket === undefined) return { name: "ListBuckets", required: [["s3:ListAllMyBuckets", "*"]] };
  const onBucket = (name: string, action: string): S3Operation => ({ name, bucket, required: [[action, bucket]] });

  if (key === undefined) {
    if (has(query, "uploads") && m === "GET") return onBucket("ListMultipartUploads", "s3:ListBucketMultipartUploads");
    if (has(query, "delete") && m === "POST") {
      // Per-key checks would need the body; the emulator asks for DeleteObject on the whole bucket.
      return { name: "DeleteObjects", bucket, required: [["s3:DeleteObject", `${bucket}/*`]] };
    }
    if (has(query, "location") && m === "GET") return onBucket("GetBucketLocation", "s3:GetBucketLocation");
    const sub = Object.keys(query).find((k) => !["list-type", "prefix", "delimiter", "max-keys", "marker", "continuation-token", "start-after", "encoding-type", "fetch-owner", "x-id"].includes(k));
    if (sub) {
      const verb = m === "GET" || m === "HEAD" ? "Get" : m === "DELETE" ? "Delete" : "Put";
      return onBucket(`${verb}Bucket${capitalize(sub)}`, `s3:${verb}Bucket${capitalize(sub)}`);
    }
    switch (m) {
      case "PUT": return onBucket("CreateBucket", "s3:CreateBucket");
      case "DELETE": return onBucket("DeleteBucket", "s3:DeleteBucket");
      case "HEAD": return onBucket("HeadBucket", "s3:ListBucket");
      default: return onBucket(query["list-type"] === "2" ? "ListObjectsV2" : "ListObjects", "s3:ListBucket");
    }
  }

  const resource = `${bucket}/${key}`;
  const onObject = (name: string, ...actions: string[]): S3Operation => ({
    name, bucket, key, required: actions.map((a) => [a, resource] as [string, string]),
  });
  const tagging = headers["x-amz-tagging"] !== undefined ? ["s3:PutObjectTagging"] : [];
  if (has(query, "uploadId")) {
    if (m === "PUT") return onObject("UploadPart", "s3:PutObject");
    if (m === "POST") return onObject("CompleteMultipartUpload", "s3:PutObject");
    if (m === "DELETE") return onObject("AbortMultipartUpload", "s3:AbortMultipartUpload");
    return onObject("ListParts", "s3:ListMultipartUploadParts");
  }
  if (has(query, "uploads") && m === "POST") return onObject("CreateMultipartUpload", "s3:PutObject", ...tagging);
  if (has(query, "tagging")) {
    if (m === "PUT") return onObject("PutObjectTagging", "s3:PutObjectTagging");
    if (m === "DELETE") return onObject("DeleteObjectTagging", "s3:DeleteObjectTagging");
    return onObject("GetObjectTagging", "s3:GetObjectTagging");
  }
  if (has(query, "acl")) return onObject(m === "PUT" ? "PutObjectAcl" : "GetObjectAcl", m === "PUT" ? "s3:PutObjectAcl" : "s3:GetObjectAcl");
  switch (m) {
    case "PUT": {
      const source = headers["x-amz-copy-source"];
      if (typeof source === "string") {
        const src = decodeURIComponent(source.replace(/^\//, "").split("?")[0]!);
        return { name: "CopyObject", bucket, key, required: [["s3:PutObject", resource], ["s3:GetObject", src], ...tagging.map((a) => [a, resource] as [string, string])] };
      }
      return onObject("PutObject", "s3:PutObject", ...tagging);
    }
    case "DELETE": return onObject("DeleteObject", "s3:DeleteObject");
    case "HEAD": return onObject("HeadObject", "s3:GetObject");
    case "POST": return onObject("PostObject", "s3:PutObject");
    default: return onObject("GetObject", "s3:GetObject");
  }
}

/** S3's bucket naming rules (general purpose buckets). */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith("xn--") &&
    !name.startsWith("sthree-") &&
    !name.endsWith("-s3alias") &&
    !name.endsWith("--ol-s3")
  );
}
