export * from "./connection.js";
export * from "./s3-client.js";
export * from "./bucket-name.js";
export * from "./common-settings.js";
