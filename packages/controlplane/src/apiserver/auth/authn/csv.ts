/** A CSV syntax error, placed by line and column as Go's encoding/csv reports it. */
export class CsvParseError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`parse error on line ${line}, column ${column}: ${problem}`);
    this.name = 'CsvParseError';
  }
}

/** One CSV record and the line it starts on (a quoted field may span lines). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * Reads CSV as Go's encoding/csv does with FieldsPerRecord = -1, the reader Kubernetes uses for
 * its token file: records of any width, empty lines skipped, fields quoted with `"` and `""` for
 * a quote inside them, CRLF read as LF, and a quote inside an unquoted field an error.
 */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.replace(/\r\n/g, '\n');
  const records: CsvRecord[] = [];
  let pos = 0;
  let line = 1;
  while (pos < input.length) {
    if (input[pos] === '\n') {
      pos += 1;
      line += 1;
      continue;
    }
    const recordLine = line;
    const fields: string[] = [];
    let lineStart = pos;
    for (;;) {
      let field = '';
      if (input[pos] === '"') {
        // Quoted field: runs to the quote that is not doubled; may hold commas and newlines.
        const quoteColumn = pos - lineStart + 1;
        pos += 1;
        for (;;) {
          if (pos >= input.length) throw new CsvParseError(recordLine, quoteColumn, 'extraneous or missing " in quoted-field');
          const ch = input[pos]!;
          if (ch === '"' && input[pos + 1] === '"') {
            field += '"';
            pos += 2;
          } else if (ch === '"') {
            pos += 1;
            break;
          } else {
            if (ch === '\n') {
              line += 1;
              lineStart = pos + 1;
            }
            field += ch;
            pos += 1;
          }
        }
        if (pos < input.length && input[pos] !== ',' && input[pos] !== '\n') {
          throw new CsvParseError(line, pos - lineStart + 1, 'extraneous or missing " in quoted-field');
        }
      } else {
        const end = nextDelimiter(input, pos);
        field = input.slice(pos, end);
        const quote = field.indexOf('"');
        if (quote >= 0) throw new CsvParseError(line, pos - lineStart + quote + 1, 'bare " in non-quoted-field');
        pos = end;
      }
      fields.push(field);
      if (input[pos] === ',') {
        pos += 1;
        continue;
      }
      break;
    }
    records.push({ line: recordLine, fields });
  }
  return records;
}

function nextDelimiter(input: string, from: number): number {
  for (let i = from; i < input.length; i += 1) {
    if (input[i] === ',' || input[i] === '\n') return i;
  }
  return input.length;
}
