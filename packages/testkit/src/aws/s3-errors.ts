import type { IncomingMessage, ServerResponse } from "node:http";
import { newRequestId, xmlElements } from "./xml.js";

/** An S3 error answer: the status and `<Error>` body real S3 sends, which the SDK maps to its exceptions. */
export class S3ErrorResponse extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const s3Errors = {
  accessDenied: () => new S3ErrorResponse(403, "AccessDenied", "Access Denied"),
  invalidAccessKeyId: (id: string) =>
    new S3ErrorResponse(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", {
      AWSAccessKeyId: id,
    }),
  signatureDoesNotMatch: (id: string) =>
    new S3ErrorResponse(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      { AWSAccessKeyId: id },
    ),
  expiredToken: () => new S3ErrorResponse(400, "ExpiredToken", "The provided token has expired."),
  invalidToken: () => new S3ErrorResponse(400, "InvalidToken", "The provided token is malformed or otherwise invalid."),
  noSuchBucket: (bucket: string) =>
    new S3ErrorResponse(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket }),
  invalidBucketName: (bucket: string) =>
    new S3ErrorResponse(400, "InvalidBucketName", "The specified bucket is not valid.", { BucketName: bucket }),
  noSuchUpload: (uploadId: string) =>
    new S3ErrorResponse(
      404,
      "NoSuchUpload",
      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
      { UploadId: uploadId },
    ),
  slowDown: () => new S3ErrorResponse(503, "SlowDown", "Please reduce your request rate."),
  internalError: () => new S3ErrorResponse(500, "InternalError", "We encountered an internal error. Please try again."),
  malformedAuth: (message: string) => new S3ErrorResponse(400, "AuthorizationHeaderMalformed", message),
  invalidRequest: (message: string) => new S3ErrorResponse(400, "InvalidRequest", message),
  accessDeniedExpiredPresign: () => new S3ErrorResponse(403, "AccessDenied", "Request has expired"),
  /** `ServerTime` is what the SDK reads to correct its clock before signing again. */
  requestTimeTooSkewed: (requestTime: string, serverTime: number, maxSkewMs: number) =>
    new S3ErrorResponse(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
      RequestTime: requestTime,
      ServerTime: new Date(serverTime).toISOString().replace(/\.\d{3}Z$/, "Z"),
      MaxAllowedSkewMilliseconds: String(maxSkewMs),
    }),
  invalidPart: (partNumber: number, etag: string) =>
    new S3ErrorResponse(
      400,
      "InvalidPart",
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      { PartNumber: String(partNumber), ETag: etag },
    ),
  invalidPartOrder: () =>
    new S3ErrorResponse(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number."),
  malformedXml: () =>
    new S3ErrorResponse(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"),
};

export function sendS3Error(req: IncomingMessage, res: ServerResponse, error: S3ErrorResponse): void {
  const requestId = newRequestId();
  res.statusCode = error.status;
  res.setHeader("x-amz-request-id", requestId);
  // Like S3, a HEAD error is the bare status: there is no body to put the code in.
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>` +
    xmlElements({ Code: error.code, Message: error.message, ...error.extra, RequestId: requestId }) +
    `</Error>`;
  res.setHeader("content-type", "application/xml");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
