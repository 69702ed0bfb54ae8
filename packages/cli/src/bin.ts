#!/usr/bin/env node
import { main } from "./main.js";

// The AWS SDK warns on every run that its releases after January 2027 will need Node 22; the
// pinned SDK supports Node 20, so the notice only alarms users. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await main(process.argv.slice(2));
