// The readers' refusal contract in one assertion: an InputError, one line, saying why.
import { expect } from 'vitest';
import { InputError } from '../../src/types.js';

/** Awaits a read that must be refused; checks the error and returns it for more checks. */
export async function expectInputError(promise: Promise<unknown>, fragment: RegExp): Promise<InputError> {
  const err = await promise.then(
    () => {
      throw new Error('expected an InputError');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).message).toMatch(fragment);
  expect((err as InputError).message).not.toContain('\n');
  return err as InputError;
}
