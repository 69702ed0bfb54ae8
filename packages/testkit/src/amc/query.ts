/**
 * The SQL an emulated audience can run: `SELECT [DISTINCT] user_id FROM <dataset>
 * [WHERE col = 'x' [AND col IN ('a', 'b') …]] [;]`. AMC runs full SQL; this subset is enough to
 * build an audience from uploaded rows, and anything else is reported, not guessed at.
 */

export interface AudienceQuery {
  dataSetId: string;
  /** Each condition: the column (as written) must equal one of the values. */
  where: Array<{ column: string; values: string[] }>;
}

export const SUPPORTED_QUERY = "SELECT user_id FROM <dataset> [WHERE column = 'value' [AND column IN ('a', 'b') …]]";

const TOKEN = /\s*(?:(?<str>'(?:[^']|'')*')|(?<num>-?\d+(?:\.\d+)?)|(?<word>[A-Za-z_][A-Za-z0-9_]*)|(?<sym>[=(),;*]))/y;

function tokenize(sql: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < sql.length) {
    if (/^\s*$/.test(sql.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(sql);
    if (!match) throw new Error(`unexpected text at ${JSON.stringify(sql.slice(start, start + 20))}`);
    tokens.push(match[0].trim());
  }
  return tokens;
}

const literal = (token: string | undefined): string => {
  if (token === undefined) throw new Error("a value is missing at the end");
  if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d/.test(token)) return token;
  throw new Error(`expected a quoted string or a number, got ${token}`);
};

/** Parses the subset; throws an Error saying what is not supported. */
export function parseAudienceQuery(sql: string): AudienceQuery {
  const tokens = tokenize(sql);
  if (tokens[tokens.length - 1] === ";") tokens.pop();
  let i = 0;
  const word = (expected: string) => {
    if (tokens[i]?.toUpperCase() !== expected) throw new Error(`expected ${expected} at ${JSON.stringify(tokens.slice(i, i + 3).join(" ") || "the end")}`);
    i += 1;
  };
  const identifier = () => {
    const t = tokens[i++];
    if (!t || !/^[A-Za-z_]\w*$/.test(t)) throw new Error(`expected a name, got ${JSON.stringify(t ?? "the end")}`);
    return t;
  };
  word("SELECT");
  if (tokens[i]?.toUpperCase() === "DISTINCT") i += 1;
  if (tokens[i] !== "user_id") throw new Error("the query must select exactly user_id (case sensitive)");
  i += 1;
  word("FROM");
  const dataSetId = identifier();
  const where: AudienceQuery["where"] = [];
  if (i < tokens.length) {
    word("WHERE");
    for (;;) {
      const column = identifier();
      if (tokens[i] === "=") {
        i += 1;
        where.push({ column, values: [literal(tokens[i++])] });
      } else {
        word("IN");
        if (tokens[i++] !== "(") throw new Error("expected ( after IN");
        const values = [literal(tokens[i++])];
        while (tokens[i] === ",") {
          i += 1;
          values.push(literal(tokens[i++]));
        }
        if (tokens[i++] !== ")") throw new Error("expected ) to close IN (…)");
        where.push({ column, values });
      }
      if (i >= tokens.length) break;
      word("AND");
    }
  }
  return { dataSetId, where };
}
