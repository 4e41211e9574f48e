// CSV cells for exports that organizers open in spreadsheets. A team name is participant input: a cell that starts
// with =, +, -, @ (or a tab or carriage return) is taken for a formula by Excel, LibreOffice and Google Sheets
// ("formula injection"), so such text is prefixed with an apostrophe, which they show as plain text. Numbers are
// written by the exporter itself and pass unchanged.

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: neutralised if it could run as a formula, quoted if it holds a comma, quote or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV line of cells. */
export function csvLine(cells: Array<string | number | null | undefined>): string {
  return cells.map(csvCell).join(",");
}
