// The text format `read_csv` accepts: numbers separated by commas, one row per line, and
// nothing a reader could take two ways. Quoting, other separators and missing values are left
// out on purpose: a cell that is not plainly a number is an error that points at it, instead of
// a guess that quietly changes the data.
import { PrimError } from "./host.js";
import { Tensor } from "./values.js";

/** A decimal number as people and spreadsheets write it, or nan/inf as Myx prints them. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = new Map([["nan", NaN], ["inf", Infinity], ["+inf", Infinity], ["-inf", -Infinity]]);

function numberIn(cell: string): number | null {
  if (NUMBER.test(cell)) return Number(cell);
  return SPECIAL.get(cell.toLowerCase()) ?? null;
}

interface Cell {
  readonly text: string;
  /** 1-based, in characters, where the cell's text starts (blanks around it are not part of it). */
  readonly col: number;
}

function cellsOf(line: string): Cell[] {
  const cells: Cell[] = [];
  let start = 0;
  for (const raw of line.split(",")) {
    const lead = raw.length - raw.trimStart().length;
    cells.push({ text: raw.trim(), col: start + lead + 1 });
    start += raw.length + 1;
  }
  return cells;
}

const cellCount = (n: number): string => `${n} cell${n === 1 ? "" : "s"}`;

/**
 * Parses CSV text into a rows × columns Tensor. Blank lines are skipped. The first non-blank
 * line is a header, and skipped, when none of its cells is a number; a first line with some
 * numbers is data, so a typo in it is reported rather than silently dropping the row. Every
 * row must have as many cells as the first line. `file` is the name errors give the text.
 */
export function parseCsv(text: string, file: string): Tensor {
  const errorAt = (line: number, col: number, message: string): PrimError => new PrimError(`read_csv: ${file}:${line}:${col}: ${message}`);
  const values: number[] = [];
  let width = -1;
  let rows = 0;
  // A byte-order mark is how some editors and spreadsheets start UTF-8; it is not part of a cell.
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const cells = cellsOf(line);
    if (width < 0) {
      width = cells.length;
      if (cells.every((c) => numberIn(c.text) === null)) continue;
    }
    if (cells.length !== width) {
      // Point at the first cell too many, or at the end of a line that stops short.
      const col = cells.length > width ? cells[width]!.col : line.length + 1;
      throw errorAt(i + 1, col, `this line has ${cellCount(cells.length)}, the first has ${width}`);
    }
    for (const cell of cells) {
      const v = numberIn(cell.text);
      if (v === null) throw errorAt(i + 1, cell.col, cell.text === "" ? "empty cell" : `'${cell.text}' is not a number`);
      values.push(v);
    }
    rows++;
  }
  return new Tensor([rows, Math.max(width, 0)], Float64Array.from(values));
}
