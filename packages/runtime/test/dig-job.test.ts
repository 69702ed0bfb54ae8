import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jobSchema } from "@conveyor/core";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import amc from "@conveyor/destination-amazon-marketing-cloud";
import { parseJobText } from "../src/job-text.js";
import { digWorkflowToJob, isDigWorkflow, type WorkflowConnections } from "../src/workflow/dig-job.js";

/** The seed's four workflow examples (the upload one with its indentation corrected). */
const SEED = {
  upload: `_export:
  td:
    database: amc_db

+amc_task:
  td>: upload.sql
  database: \${td.database}
  result_connection: new_amc_auth
  result_settings:
    type: amazon_marketing_cloud
    target: dataset
    operation: upload
    dataset_id: dataset_id
    bucket: bucket_name
    path_prefix: path_prefix/
    file_name_prefix: file_name_prefix
    wait_until_finish: true
    clean_upload_file: true
`,
  createAndUpload: `_export:  
  td:    
    database: amc_db 


+amc_task:  
  td>: upload.sql  
  database: \${td.database}  
  result_connection: new_amc_auth  
  result_settings:    
    type: amazon_marketing_cloud 
    target: dataset 
    operation: upload
    dataset_id: dataset_id 
    create_dataset: true 
    dataset_definition: dataset_definition_in_json_string
    bucket: bucket_name
    path_prefix: path_prefix
    file_name_prefix: file_name_prefix
    wait_until_finish: true
    clean_upload_file: true 
`,
  delete: `_export:  
  td:    
    database: amc_db 

+amc_task:  
  td>: delete.sql  
  database: \${td.database}  
  result_connection: new_amc_auth  
  result_settings:    
    type: amazon_marketing_cloud    
    target: dataset    
    operation: delete
`,
  audience: `_export:
  td:
    database: amc_db
 
+amc_task:
  td>: audience.sql
  database: \${td.database}
  result_connection: new_amc_auth
  result_settings:
    type: amazon_marketing_cloud 
    target: rule_based_audiences
    amc_instance_id: amc_instance_id
    amc_account_id: amc_account_id
    audience_name: "test_audience"
    audience_description: "test audience description"
    advertiser_id: 123
    query: "SELECT user_id FROM dsp_impressions"
    time_window_start: "2023-06-25T00:00:00"
    time_window_end: "2023-07-25T00:00:00"
    refresh_rate_days: 1
    time_window_relative: false
`,
};

/** The seed's upload example as printed: the settings fell out of result_settings. */
const BROKEN_UPLOAD = `_export:
  td:
    database: amc_db
 
+amc_task:
  td>: upload.sql
  database: \${td.database}
  result_connection: new_amc_auth
  result_settings:
    type: amazon_marketing_cloud
target: dataset 
operation: upload
dataset_id: dataset_id
bucket: bucket_name
`;

const s3Credential = { plugin: "aws-access-key", settings: { access_key_id: "AKIAEXAMPLEEXAMPLE01", secret_access_key: "${env:AWS_SECRET_ACCESS_KEY}", endpoint: "http://127.0.0.1:9000", force_path_style: true } };

/**
 * A `new_amc_auth` connection as Treasure Data keeps one: the Login with Amazon client and token
 * and the AMC endpoint, with the instance and account left to the workflow (the seed's audience
 * example names them). The per-job settings are the AMC plugin's own.
 */
const config: WorkflowConnections = {
  source: "/work/conveyor.config.yaml",
  jobSettings: (plugin) => (plugin === amc.id ? (amc.jobSettings ?? []) : []),
  connections: {
    new_amc_auth: {
      type: "amazon_marketing_cloud",
      lwa_client_id: "amzn1.application-oa2-client.abc",
      lwa_client_secret: "amzn1.oa2-cs.v1.secret",
      lwa_refresh_token: "Atzr|refresh",
      amc_endpoint: "http://127.0.0.1:4000",
      marketplace_id: "ATVPDKIKX0DER",
      s3_credential: s3Credential,
    },
  },
};

/** The connection's keys, less its type and credentials, become the destination's settings. */
const { type: _type, s3_credential: _s3, lwa_client_id: _id, lwa_client_secret: _secret, lwa_refresh_token: _token, ...connectionSettings } = config.connections.new_amc_auth!;

/** The connection's Login with Amazon keys, as the job's api credential. */
const apiCredential = { plugin: "login-with-amazon", settings: { client_id: "amzn1.application-oa2-client.abc", client_secret: "amzn1.oa2-cs.v1.secret", refresh_token: "Atzr|refresh" } };

const translate = (text: string, cfg: WorkflowConnections = config) => digWorkflowToJob(parse(text), cfg);

describe("digdag workflow form → conveyor job", () => {
  it("recognises .dig files, and the workflow form in any file", () => {
    expect(isDigWorkflow("/w/workflow.dig", {})).toBe(true);
    expect(isDigWorkflow("/w/workflow.yaml", parse(SEED.delete))).toBe(true);
    expect(isDigWorkflow("/w/job.yaml", { name: "x", destination: { plugin: "amazon-s3" } })).toBe(false);
  });

  it("the upload example: the connection's credentials and the task's settings, a job jobSchema accepts", () => {
    const job = translate(SEED.upload);
    expect(job).toEqual({
      name: "amc_task",
      description: "digdag task +amc_task (td>: upload.sql, database amc_db); its result is the input",
      credentials: { api: apiCredential, staging: s3Credential },
      destination: {
        plugin: "amazon-marketing-cloud",
        settings: { ...connectionSettings, target: "dataset", operation: "upload", dataset_id: "dataset_id", bucket: "bucket_name", path_prefix: "path_prefix/", file_name_prefix: "file_name_prefix", wait_until_finish: true, clean_upload_file: true },
      },
    });
    expect(jobSchema.safeParse(job).success).toBe(true);
  });

  it("the create-and-upload example (trailing spaces and all)", () => {
    const job = translate(SEED.createAndUpload) as { destination: { settings: Record<string, unknown> } };
    expect(job.destination.settings).toMatchObject({ create_dataset: true, dataset_definition: "dataset_definition_in_json_string", path_prefix: "path_prefix", dataset_id: "dataset_id" });
    expect(jobSchema.safeParse(job).success).toBe(true);
  });

  it("the delete example", () => {
    const job = translate(SEED.delete) as { destination: { settings: Record<string, unknown> } };
    expect(job.destination.settings).toEqual({ ...connectionSettings, target: "dataset", operation: "delete" });
    expect(jobSchema.safeParse(job).success).toBe(true);
  });

  it("the rule-based audience example: the task names the instance and account its connection leaves open", () => {
    const job = translate(SEED.audience) as { destination: { settings: Record<string, unknown> } };
    expect(job.destination.settings).toMatchObject({
      target: "rule_based_audiences",
      amc_instance_id: "amc_instance_id",
      amc_account_id: "amc_account_id",
      advertiser_id: 123,
      query: "SELECT user_id FROM dsp_impressions",
      refresh_rate_days: 1,
    });
    expect(job.destination.settings.type).toBeUndefined();
    expect(job.destination.settings.lwa_refresh_token).toBeUndefined();
    expect(jobSchema.safeParse(job).success).toBe(true);
  });

  it("says how to fix the seed's broken indentation instead of ignoring the settings", () => {
    expect(() => translate(BROKEN_UPLOAD)).toThrow(/target, operation, dataset_id, bucket are at the top level; indent them under the task's result_settings:/);
  });

  it("names an unknown connection and the ones there are", () => {
    const error = (() => {
      try {
        translate(SEED.delete.replace("new_amc_auth", "old_auth"));
      } catch (e) {
        return e as { code: string; category: string; message: string };
      }
    })();
    expect(error).toMatchObject({ code: "workflow.invalid", category: "invalid-input", message: expect.stringContaining('no connection "old_auth" in /work/conveyor.config.yaml; it has new_amc_auth') });
  });

  it("refuses other result types, undefined variables, and workflows with no or several export tasks", () => {
    expect(() => translate(SEED.delete.replace("type: amazon_marketing_cloud", "type: s3"))).toThrow(/result_settings.type: must be "amazon_marketing_cloud", not "s3"/);
    expect(() => translate(SEED.delete.replace("${td.database}", "${td.schema}"))).toThrow(/\$\{td.schema\} is not defined in _export:/);
    expect(() => translate("_export: {}\n+q:\n  td>: q.sql\n")).toThrow(/no task with result_settings:/);
    const two = SEED.delete + SEED.delete.split("\n").slice(4).join("\n").replace("+amc_task", "+again");
    expect(() => translate(two)).toThrow(/one export task per workflow file; found \+amc_task, \+again/);
  });

  it("keeps conveyor's own references such as ${env:NAME} for the job's validation", () => {
    const job = translate(SEED.delete.replace("operation: delete", 'operation: delete\n    dataset_id: "${env:DATASET}"')) as { destination: { settings: Record<string, unknown> } };
    expect(job.destination.settings.dataset_id).toBe("${env:DATASET}");
  });

  it("refuses result_settings that would change what the connection holds: endpoints, secrets, instance, account", () => {
    const held = { ...config, connections: { new_amc_auth: { ...config.connections.new_amc_auth!, amc_instance_id: "amcinstance1", amc_account_id: "ENTITYABC" } } };
    for (const [key, value] of [["lwa_client_id", "amzn1.application-oa2-client.other"], ["amc_endpoint", "http://127.0.0.1:9"], ["lwa_refresh_token", "Atzr|other"], ["amc_instance_id", "other"], ["amc_account_id", "OTHER"]] as const) {
      const text = SEED.delete.replace("operation: delete", `operation: delete\n    ${key}: "${value}"`);
      expect(() => translate(text, held), key).toThrow(new RegExp(`result_settings: ${key} is set by the connection "new_amc_auth" in /work/conveyor.config.yaml; a workflow cannot change it`));
    }
    // Repeating the connection's own value changes nothing.
    expect(() => translate(SEED.delete.replace("operation: delete", 'operation: delete\n    amc_instance_id: amcinstance1'), held)).not.toThrow();
  });

  it("refuses endpoints, credentials and switches the connection leaves unset: a workflow could send the token anywhere", () => {
    const { amc_endpoint: _endpoint, lwa_client_secret: _secret, ...rest } = config.connections.new_amc_auth!;
    const open = { ...config, connections: { new_amc_auth: rest } };
    const text = SEED.delete.replace("operation: delete", 'operation: delete\n    amc_endpoint: "http://127.0.0.1:9"\n    lwa_client_secret: "mine"\n    lwa_endpoint: "http://127.0.0.1:9/steal"\n    allow_business_users: true');
    expect(() => translate(text, open)).toThrow(/result_settings: amc_endpoint, lwa_client_secret, lwa_endpoint, allow_business_users cannot be set by a workflow: they belong to the connection "new_amc_auth"/);
  });

  it("takes the connection's region for its api credential, and refuses a token endpoint in a connection: that is the host's platform.lwa_endpoint", () => {
    const eu = { ...config, connections: { new_amc_auth: { ...config.connections.new_amc_auth!, region: "EU" } } };
    expect((translate(SEED.delete, eu) as { credentials: { api: unknown } }).credentials.api).toEqual({ ...apiCredential, settings: { ...apiCredential.settings, region: "EU" } });
    const pointed = { ...config, connections: { new_amc_auth: { ...config.connections.new_amc_auth!, lwa_endpoint: "http://127.0.0.1:9/steal" } } };
    expect(() => translate(SEED.delete, pointed)).toThrow(/connections.new_amc_auth.lwa_endpoint: the Login with Amazon token endpoint is the host's alone .*set platform.lwa_endpoint in \/work\/conveyor.config.yaml instead/);
  });

  it("builds the S3 credential from the seed's TD-style connection keys", () => {
    const { s3_credential: _, ...rest } = config.connections.new_amc_auth!;
    const td = { ...config, connections: { new_amc_auth: { ...rest, auth_method: "session", access_key_id: "ASIAEXAMPLEEXAMPLE01", secret_access_key: "x", session_token: "y", s3_region: "us-west-2" } } };
    const job = translate(SEED.delete, td) as { credentials: { staging: unknown }; destination: { settings: Record<string, unknown> } };
    expect(job.credentials.staging).toEqual({ plugin: "aws-access-key", settings: { auth_method: "session", access_key_id: "ASIAEXAMPLEEXAMPLE01", secret_access_key: "x", session_token: "y", region: "us-west-2" } });
    expect(job.destination.settings).toEqual({ ...connectionSettings, target: "dataset", operation: "delete" });
  });
});

/** The four example workflows exactly as the product document prints them (NBSP indentation and all). */
const fixture = (name: string) => new URL(`./fixtures/seed-workflows/${name}.dig`, import.meta.url);
const PAGE_EXAMPLES = ["upload", "create-and-upload", "delete", "audience"] as const;
const pageText = (name: (typeof PAGE_EXAMPLES)[number]) => readFileSync(fixture(name), "utf8");
const SEED_FILE = fileURLToPath(new URL("../../../../shared/seeds/003_797ec8422478b66b.txt", import.meta.url));

describe("the product document's workflow examples, byte for byte", () => {
  it.runIf(existsSync(SEED_FILE))("the fixtures are the document's bytes", () => {
    const seed = readFileSync(SEED_FILE);
    // Each example follows its "Example Workflow for …" heading and a blank line, and ends before the next heading.
    const blocks = [...seed.toString("latin1").matchAll(/Example Workflow for [^\n]*\n\n(_export:[\s\S]*?\n)\n(?=Example Workflow|External Reference)/g)].map((m) => Buffer.from(m[1]!, "latin1"));
    expect(blocks).toHaveLength(PAGE_EXAMPLES.length);
    PAGE_EXAMPLES.forEach((name, i) => expect(readFileSync(fixture(name)).equals(blocks[i]!), name).toBe(true));
  });

  it("the fixtures carry the page's non-breaking spaces", () => {
    for (const name of PAGE_EXAMPLES) expect(pageText(name), name).toContain("\u00a0");
  });

  it("create-and-upload, delete and audience convert, with a warning naming the NBSP lines", () => {
    for (const name of ["create-and-upload", "delete", "audience"] as const) {
      const { raw, warnings } = parseJobText(pageText(name), `/w/${name}.dig`);
      expect(warnings, name).toEqual([{ path: `/w/${name}.dig`, severity: "warning", code: "job.nbsp-indentation", message: expect.stringMatching(/^lines [\d–, ]+ have non-breaking spaces \(U\+00A0\) in the indentation or at the end/) }]);
      const job = digWorkflowToJob(raw, config) as { credentials: { api: { settings: Record<string, unknown> } } };
      expect(jobSchema.safeParse(job).success, name).toBe(true);
      expect(job.credentials.api.settings.refresh_token, name).toBe("Atzr|refresh");
    }
  });

  it("reads the page's NBSP indentation as the same job as the corrected text", () => {
    expect(digWorkflowToJob(parseJobText(pageText("delete"), "/w/d.dig").raw, config)).toEqual(translate(SEED.delete));
    expect(digWorkflowToJob(parseJobText(pageText("create-and-upload"), "/w/c.dig").raw, config)).toEqual(translate(SEED.createAndUpload));
    expect(digWorkflowToJob(parseJobText(pageText("audience"), "/w/a.dig").raw, config)).toEqual(translate(SEED.audience));
  });

  it("names the NBSP lines: NBSP + space pairs in the indentation, NBSPs at the end", () => {
    const { warnings } = parseJobText(pageText("audience"), "/w/a.dig");
    expect(warnings[0]!.message).toMatch(/^lines 2–4, 6–10 have /);
  });

  it("still refuses the upload example, whose settings the page prints outside result_settings", () => {
    const { raw } = parseJobText(pageText("upload"), "/w/u.dig");
    expect(() => digWorkflowToJob(raw, config)).toThrow(
      "workflow: target, operation, dataset_id, bucket, path_prefix, file_name_prefix, wait_until_finish, clean_upload_file are at the top level; indent them under the task's result_settings:, at the same indentation as its type:",
    );
  });

  it("a text without NBSPs parses as before, with no warning", () => {
    expect(parseJobText(SEED.delete, "/w/d.dig")).toEqual({ raw: parse(SEED.delete), warnings: [] });
  });

  it("an NBSP inside a line that breaks the YAML is named in the syntax error", () => {
    expect(() => parseJobText("a: 1\nb:\u00a0[1\n", "/w/x.dig")).toThrow(/YAML syntax error.*line 2 has a non-breaking space, U\+00A0, which YAML reads as text/);
  });
});
