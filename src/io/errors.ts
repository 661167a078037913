// How the readers fail: always an InputError naming the file and one line of reason.
// Parsers deep inside a format throw FormatError (just the detail); the public reader
// that called them wraps it as "cannot read <format> (<detail>)", so the detail never
// has to know which file or which container (a .npy inside a .npz, say) it came from.
import { InputError } from '../errors.js';

export { FormatError } from '../errors.js';

export type FormatLabel = 'PNG' | 'NIfTI' | 'NumPy .npy' | 'NumPy .npz' | 'MetaImage' | 'NRRD' | 'TIFF';

/** First non-empty line of an error's message: libvips and zlib messages can span lines. */
export function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .find((s) => s.length > 0);
  return (line ?? 'unknown error').replace(/:$/, '');
}

export function inputError(path: string, format: FormatLabel, detail: string): InputError {
  return new InputError(path, `cannot read ${format} (${detail})`);
}

/**
 * Run a reader and turn whatever escapes it into an InputError, so callers see one
 * error type and never a library's exception or stack trace.
 */
export async function guarded<T>(path: string, format: FormatLabel, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw asInputError(path, format, err);
  }
}

export function asInputError(path: string, format: FormatLabel, err: unknown): InputError {
  if (err instanceof InputError) return err;
  const wrapped =
    err instanceof RangeError && /allocat|Array buffer|Invalid typed array length/i.test(err.message)
      ? inputError(path, format, 'not enough memory to hold the data')
      : inputError(path, format, describe(err));
  wrapped.cause = err; // for --debug, which prints the stack of the cause too
  return wrapped;
}

