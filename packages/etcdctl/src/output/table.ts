/**
 * The tables etcdctl draws with olekukonko/tablewriter: headers upper-cased and centred,
 * cells aligned right, one space of padding, +---+ rules above and below the header and
 * at the end.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headers.map((h) => h.toUpperCase());
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const centre = (s: string, w: number) => {
    const left = Math.floor((w - s.length) / 2);
    return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
  };
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
  return (
    rule +
    line(head.map((h, i) => centre(h, widths[i]))) +
    rule +
    rows.map((r) => line(r.map((c, i) => c.padStart(widths[i])))).join('') +
    rule
  );
}

/** go-humanize's Bytes: SI units, one decimal below 10. */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : halfEven(val)} ${units[e]}`;
}

/** Go's %.0f rounds halves to even (20.5 → "20"). */
function halfEven(v: number): string {
  const r = Math.round(v);
  return String(Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r);
}

/** Go's time.Duration.String() for a duration in milliseconds. */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  const s = ns / 1e9;
  if (s < 60) return `${trim(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${trim(s - m * 60)}s` : `${Math.floor(m / 60)}h${m % 60}m${trim(s - m * 60)}s`;
}

const trim = (v: number) => v.toFixed(9).replace(/\.?0+$/, '');
