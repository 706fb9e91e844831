/** Licence plates are compared in one form: upper case, letters and digits only ("ab-12 c" → "AB12C"). */
export function normalizePlate(raw: string): string {
  return raw
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-–—.·]/g, "");
}

export const PLATE_PATTERN = /^[A-Z0-9\p{Lu}]{2,12}$/u;
