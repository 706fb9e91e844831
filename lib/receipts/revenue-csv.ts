/** One row per local day and currency, as revenueByDay returns them. */
export type RevenueDay = {
  day: string;
  currency: string;
  charged: number;
  refunded: number;
  net: number;
  movements: number;
};

const major = (minor: number, currency: string) => {
  // ISO 4217 minor units as the runtime knows them (JPY 0, EUR 2, …), the same source formatMoney uses.
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (minor / 10 ** digits).toFixed(digits);
};

/**
 * Revenue per day as CSV (RFC 4180: CRLF, quoted fields) for accounting: amounts in major units with
 * a plain dot, the currency on every row, so a spreadsheet never has to guess.
 */
export function revenueCsv(lotName: string, timeZone: string, days: RevenueDay[]): string {
  const q = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;
  const rows = [
    ["lot", "time_zone", "day", "currency", "charged", "refunded", "net", "movements"],
    ...days.map((d) => [
      lotName,
      timeZone,
      d.day,
      d.currency,
      major(d.charged, d.currency),
      major(d.refunded, d.currency),
      major(d.net, d.currency),
      d.movements,
    ]),
  ];
  return rows.map((r) => r.map(q).join(",")).join("\r\n") + "\r\n";
}
