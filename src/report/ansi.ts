// Minimal ANSI styling. The caller decides whether colour is wanted (TTY, NO_COLOR);
// with `on` false these return the text untouched, so no escape code can leak into
// files, pipes or CI logs.

export interface Paint {
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
}

export function paint(on: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (on && s !== '' ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    bold: wrap(1, 22),
  };
}
