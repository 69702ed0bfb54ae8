export { decryptPgp, unpackObjects, type UnpackOptions } from "./unpack.js";
export { countRows, parseDelimited, parseParquet } from "./parse.js";
export { emulatorAdminClient, listObjects, readObject, readObjects } from "./bucket.js";
