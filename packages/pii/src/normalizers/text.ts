// Helpers shared by the name-like normalizers (names, city, country code).

const ASCII_ALNUM_ONLY = /^[a-z0-9]*$/;
const NOT_ASCII_ALNUM = /[^a-z0-9]+/g;

/** Keeps `[a-z0-9]` of an already lower-cased string. */
export function keepAsciiAlnum(lower: string): string {
  // Clean values (the common case) skip the replace and its allocation.
  return ASCII_ALNUM_ONLY.test(lower) ? lower : lower.replace(NOT_ASCII_ALNUM, "");
}

/** Removes accents (é → e) by decomposing and dropping combining marks. */
export function foldAccents(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "");
}

export function orNull(text: string): string | null {
  return text === "" ? null : text;
}
