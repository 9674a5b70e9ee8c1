/**
 * Go's text/tabwriter, by default as etcdctl's help uses it: `tabwriter.NewWriter(w, 0, 8, 1, '\t', 0)`.
 * Cells are tab-terminated; the last cell of a line is not part of any column. A column
 * block is a run of consecutive lines that all have a cell in that column; its width is its
 * widest cell plus the padding, and cells are padded with tabs up to it (rounded up to the
 * tab width). A line with no tab ends every open block, as Go's writer flushes there.
 */
export interface TabwriterOptions {
  readonly minWidth: number;
  readonly tabWidth: number;
  readonly padding: number;
  /** Pad with tabs (cell widths rounded up to the tab width) or with spaces. */
  readonly padChar: '\t' | ' ';
}

const ETCDCTL_HELP: TabwriterOptions = { minWidth: 0, tabWidth: 8, padding: 1, padChar: '\t' };

interface Cell {
  readonly text: string;
  /** Width in runes, as utf8.RuneCount counts it. */
  readonly width: number;
}

type Line = readonly Cell[];

/** Aligns `text` as Go's tabwriter would, padding with tabs. */
export function tabwrite(text: string, options: TabwriterOptions = ETCDCTL_HELP): string {
  const rows = text.split('\n');
  const out: string[] = [];
  let block: Line[] = [];
  rows.forEach((row, i) => {
    const line = row.split('\t').map((t) => ({ text: t, width: [...t].length }));
    block.push(line);
    if (line.length === 1 || i === rows.length - 1) {
      formatBlock(block, options, out);
      block = [];
    }
  });
  return out.map((l, i) => (i < out.length - 1 ? `${l}\n` : l)).join('');
}

/** Formats lines that share columns; pushes one output line per input line. */
function formatBlock(lines: readonly Line[], options: TabwriterOptions, out: string[]): void {
  const widths: number[] = [];

  const emit = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      let s = '';
      lines[i].forEach((cell, j) => {
        s += cell.text;
        if (j < widths.length) s += padding(cell.width, widths[j], options);
      });
      out.push(s);
    }
  };

  const format = (first: number, end: number): void => {
    const column = widths.length;
    let start = first;
    for (let i = first; i < end; i++) {
      if (column >= lines[i].length - 1) continue;
      // A block of this column begins here: the lines before it are done.
      emit(start, i);
      start = i;
      let width = options.minWidth;
      for (; i < end && column < lines[i].length - 1; i++) width = Math.max(width, lines[i][column].width + options.padding);
      widths.push(width);
      format(start, i);
      widths.pop();
      start = i;
    }
    emit(start, end);
  };

  format(0, lines.length);
}

function padding(textWidth: number, cellWidth: number, options: TabwriterOptions): string {
  if (options.padChar === ' ') return ' '.repeat(cellWidth - textWidth);
  const rounded = Math.ceil(cellWidth / options.tabWidth) * options.tabWidth;
  return '\t'.repeat(Math.ceil((rounded - textWidth) / options.tabWidth));
}
