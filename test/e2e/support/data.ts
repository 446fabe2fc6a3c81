/** Tiny long-format CSV: `n` daily series with a weekly pattern, a price and a `store` attribute. */
export function tinyCsv(n = 4, days = 60, start = '2024-01-01'): string {
  const lines = ['series_id,date,value,price,store'];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let s = 0; s < n; s++) {
    for (let d = 0; d < days; d++) {
      const date = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
      const weekly = [3, 4, 5, 6, 9, 12, 7][d % 7]!;
      const value = weekly * (s + 1) + ((d * 7 + s * 3) % 5);
      lines.push(`item-${s},${date},${value},${(1 + s / 10).toFixed(2)},${s % 2 === 0 ? 'north' : 'south'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
