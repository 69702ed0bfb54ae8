import { describe, expect, it } from "vitest";
import { ConnectorError } from "../src/errors.js";
import { baseFileName, campaignSchema, dataTemplateProblems, dataTemplateSchema, type DataTemplate } from "../src/policy/index.js";
import { problemsFromZod } from "../src/settings/problems.js";

const now = new Date("2025-01-31T12:34:56Z");
const template = (fields: Partial<DataTemplate>): DataTemplate => dataTemplateSchema.parse(fields);
const zodProblems = (input: unknown) => {
  const result = dataTemplateSchema.safeParse(input);
  return result.success ? [] : problemsFromZod(result.error, "template");
};

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error("expected a ConnectorError");
}

describe("dataTemplateSchema", () => {
  it("defaults available_to_campaigns to false and keeps the rest optional", () => {
    expect(dataTemplateSchema.parse({})).toEqual({ available_to_campaigns: false });
  });

  it("parses every field", () => {
    const input = {
      name: "Amazon S3",
      description: "Send files to Amazon S3.",
      file_name: "{{ campaign_name }}_{{ now|format:'yyyy_MM_dd' }}",
      success_file: true,
      header: false,
      available_to_campaigns: true,
      allow_business_users: true,
      allow_restricted_pii: false,
      columns: [{ source: "email" }, { source: "id", name: "customer_id" }, { name: "tag", build: [{ text: "seg-" }, { value: "segment_id" }] }],
    };
    expect(dataTemplateSchema.parse(input)).toEqual(input);
  });

  it("refuses unknown keys and wrong types, naming the field", () => {
    expect(zodProblems({ fileName: "x", success_file: "yes" })).toEqual([
      // The wording comes from settings/problems.ts; what matters here is the field and the type.
      { path: "template.success_file", message: expect.stringContaining("boolean"), severity: "error" },
      { path: "template", message: 'unknown setting "fileName"', severity: "error" },
    ]);
  });

  it("names what is wrong in a column", () => {
    expect(zodProblems({ columns: [{ source: "a", build: [{ text: "x" }] }] })).toEqual([
      {
        path: "template.columns.0",
        message:
          "use either source or build, not both; a column is { source: <input column>, name?: <output name> } or { name: <output name>, build: [pieces] }",
        severity: "error",
      },
    ]);
    expect(zodProblems({ columns: [{ name: "a" }] })[0]?.message).toMatch(/^needs source or build; a column is/);
    expect(zodProblems({ columns: [{ build: [{ text: "x" }] }] })).toEqual([
      { path: "template.columns.0.name", message: "a build column needs a name", severity: "error" },
    ]);
    expect(zodProblems({ columns: [{ name: "a", build: [{ value: "segment" }] }] })).toEqual([
      {
        path: "template.columns.0.build.0.value",
        message: 'must be one of "export_timestamp", "segment_id", "segment_name", "audience_id"',
        severity: "error",
      },
    ]);
    expect(zodProblems({ columns: [{ name: "a", build: [{ text: "x", value: "segment_id" }] }] })).toEqual([
      {
        path: "template.columns.0.build.0",
        message: "a piece is { text: '…' } or { value: export_timestamp | segment_id | segment_name | audience_id }",
        severity: "error",
      },
    ]);
  });
});

describe("campaignSchema", () => {
  it("defaults to a recurring campaign and needs a name", () => {
    expect(campaignSchema.parse({ name: "spring" })).toEqual({ name: "spring", recurring: true });
    const result = campaignSchema.safeParse({ name: "", group: "vip" });
    expect(problemsFromZod(result.error!, "campaign")).toEqual([
      { path: "campaign.name", message: "must be at least 1 character", severity: "error" },
    ]);
  });
});

describe("dataTemplateProblems", () => {
  it("has none for a valid template", () => {
    expect(dataTemplateProblems(template({ file_name: "{{ campaign_name }}_{{ now }}", available_to_campaigns: true }))).toEqual([]);
    expect(dataTemplateProblems(template({}))).toEqual([]);
  });

  it("requires campaign_name or group_name in file_name when available to campaigns", () => {
    const example = `e.g. "{{ campaign_name }}_{{ now|format:'yyyy_MM_dd' }}"`;
    expect(dataTemplateProblems(template({ file_name: "export_{{ now }}", available_to_campaigns: true }))).toEqual([
      {
        path: "template.file_name",
        message: `available_to_campaigns requires the file name to use {{ campaign_name }} and/or {{ group_name }}, ${example}`,
        severity: "error",
      },
    ]);
    expect(dataTemplateProblems(template({ available_to_campaigns: true }), "jobs.0.template")).toEqual([
      {
        path: "jobs.0.template.file_name",
        message: `available_to_campaigns requires the file name to use {{ campaign_name }} and/or {{ group_name }} (no file_name is set), ${example}`,
        severity: "error",
      },
    ]);
    // Quoted text that merely spells the variable does not count.
    expect(dataTemplateProblems(template({ file_name: "{{ 'campaign_name' }}", available_to_campaigns: true }))).toHaveLength(1);
    expect(dataTemplateProblems(template({ file_name: "{{ group_name }}/data", available_to_campaigns: true }))).toEqual([]);
    expect(dataTemplateProblems(template({ file_name: "{{ campaign_name }}/{{ group_name }}", available_to_campaigns: true }))).toEqual([]);
  });

  it("reports file_name template problems under the template's path", () => {
    expect(dataTemplateProblems(template({ file_name: "x_{{ campain_name }}", available_to_campaigns: true }))).toEqual([
      {
        path: "template.file_name",
        message: `unknown variable "campain_name" in "{{ campain_name }}"; allowed: now, campaign_name, group_name, file_number, or quoted text such as '_'`,
        severity: "error",
      },
    ]);
  });

  it("reports column mapping problems", () => {
    const problems = dataTemplateProblems(
      template({
        columns: [
          { source: "email" },
          { source: "mail", name: "EMAIL" },
          { name: "tag", build: [] },
          { name: "tag2", build: [{ text: "" }, { value: "segment_id" }] },
          { source: "id", name: "" },
        ],
      }),
    );
    expect(problems).toEqual([
      {
        path: "template.columns.1.name",
        message: 'output column name "EMAIL" is already used by template.columns.0; output names must be unique (ignoring case)',
        severity: "error",
      },
      {
        path: "template.columns.2.build",
        message: "needs at least one piece; a piece is { text: '…' } or { value: export_timestamp | segment_id | segment_name | audience_id }",
        severity: "error",
      },
      { path: "template.columns.3.build.0.text", message: "is empty; write some text or remove the piece", severity: "error" },
      { path: "template.columns.4.name", message: "the output column name must not be empty", severity: "error" },
    ]);
  });
});

describe("baseFileName", () => {
  it("uses the default template: the job name and the UTC date", () => {
    const names = baseFileName({ jobName: "query_name", now });
    expect(names.baseName).toBe("query_name_2025_01_31");
    expect(names.partName(1)).toBe("query_name_2025_01_31/0000001");
    expect(names.partName(12)).toBe("query_name_2025_01_31/0000012");
  });

  it("renders the data template's file_name", () => {
    const names = baseFileName({ jobName: "ignored", now, template: template({ file_name: "exports/customers_{{ now|format:'yyyyMMdd' }}" }) });
    expect(names.baseName).toBe("exports/customers_20250131");
    expect(names.partName(2)).toBe("exports/customers_20250131/0000002");
  });

  it("numbers parts through {{ file_number }} when the template uses it", () => {
    const names = baseFileName({ jobName: "j", now, template: template({ file_name: "customers_{{ file_number }}" }) });
    expect(names.baseName).toBe("customers_0000001");
    expect(names.partName(3)).toBe("customers_0000003");
  });

  it("renders campaign name and group for a recurring campaign", () => {
    const names = baseFileName({
      jobName: "j",
      now,
      template: template({ file_name: "{{ campaign_name }}/{{ group_name }}_{{ now|format:'yyyy_MM_dd' }}", available_to_campaigns: true }),
      campaign: campaignSchema.parse({ name: "spring_sale", group: "vip" }),
    });
    expect(names.baseName).toBe("spring_sale/vip_2025_01_31");
  });

  it("appends the UTC date of now for a one-time campaign, also to numbered parts", () => {
    const campaign = campaignSchema.parse({ name: "launch", recurring: false });
    const late = new Date("2025-01-31T23:30:00Z"); // already Feb 1 in Tokyo; the suffix stays UTC
    const names = baseFileName({
      jobName: "j",
      now: late,
      template: template({ file_name: "{{ campaign_name }}_{{ now|local:'Asia/Tokyo'|format:'MMdd' }}" }),
      campaign,
    });
    expect(names.baseName).toBe("launch_0201_2025_01_31");
    expect(names.partName(2)).toBe("launch_0201_2025_01_31/0000002");
    const numbered = baseFileName({ jobName: "j", now, template: template({ file_name: "{{ campaign_name }}_{{ file_number }}" }), campaign });
    expect(numbered.baseName).toBe("launch_0000001_2025_01_31");
    expect(numbered.partName(4)).toBe("launch_0000004_2025_01_31");
  });

  it("refuses a template that uses campaign_name when the send has no campaign", () => {
    const error = thrown(() => baseFileName({ jobName: "j", now, template: template({ file_name: "{{ campaign_name }}" }) }));
    expect(error.code).toBe("template.missing-value");
    expect(error.message).toContain("uses {{ campaign_name }}, but this send has no campaign name");
    const noGroup = thrown(() =>
      baseFileName({ jobName: "j", now, template: template({ file_name: "{{ group_name }}" }), campaign: campaignSchema.parse({ name: "c" }) }),
    );
    expect(noGroup.message).toContain("no campaign group");
  });

  it("refuses an invalid template", () => {
    const error = thrown(() => baseFileName({ jobName: "j", now, template: template({ file_name: "{{ today }}" }) }));
    expect(error.code).toBe("template.invalid");
    expect(error.details?.problems).toEqual([
      expect.objectContaining({ path: "template.file_name", message: expect.stringContaining('unknown variable "today"') }),
    ]);
  });
});
