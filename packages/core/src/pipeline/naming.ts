/**
 * Appends a stage's extension unless the name already ends with it, so a template that spells
 * out `report.csv` is not turned into `report.csv.csv`.
 */
export function appendExtension(name: string, extension: string): string {
  if (extension === "") return name;
  return name.toLowerCase().endsWith(extension.toLowerCase()) ? name : name + extension;
}

/** `file_number` as the spec writes it: seven digits, zero-padded. */
export function fileNumber(n: number): string {
  return String(n).padStart(7, "0");
}

/** Joins a key prefix and a relative name with exactly one `/`; a leading `/` is dropped. */
export function joinKey(prefix: string, name: string): string {
  const p = prefix.replace(/^\/+/, "").replace(/\/+$/, "");
  const n = name.replace(/^\/+/, "");
  return p === "" ? n : `${p}/${n}`;
}
