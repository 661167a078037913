// src/errors.ts: every error segloss throws on purpose carries a code a caller can switch
// on, its class name, and a one-line message naming what is at fault.
import { describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  FormatError,
  GateSyntaxError,
  GateUsageError,
  InputError,
  MergeError,
  ReportConfigError,
  SeglossError,
  WriteAbortedError,
} from '../src/errors.js';
import { UsageError } from '../src/cli/usageError.js';
import * as library from '../src/index.js';
import { InputError as InputErrorOfTypes } from '../src/types.js';
import { FormatError as FormatErrorOfIo } from '../src/io/errors.js';

describe('error classes', () => {
  // Each row: the error, then the code, name and message written out by hand.
  it.each([
    [new InputError('a/b.png', 'not a PNG file'), 'INPUT', 'InputError', 'a/b.png: not a PNG file'],
    [new FormatError('bad magic'), 'FORMAT', 'FormatError', 'bad magic'],
    [new DiscoveryError('--gt g does not exist'), 'DISCOVERY', 'DiscoveryError', '--gt g does not exist'],
    [new GateSyntaxError('x => 1', 'unknown operator'), 'GATE_SYNTAX', 'GateSyntaxError', 'invalid gate "x => 1": unknown operator'],
    [new GateUsageError([{ expr: 'a>=1', reason: 'no "a"' }]), 'GATE_USAGE', 'GateUsageError', 'gate "a>=1": no "a"'],
    [new ReportConfigError('metrics', 'missing'), 'REPORT_CONFIG', 'ReportConfigError', 'config.metrics: missing'],
    [new MergeError('case c1 is in a.json and in b.json'), 'MERGE', 'MergeError', 'case c1 is in a.json and in b.json'],
    [new WriteAbortedError('out.json'), 'WRITE_ABORTED', 'WriteAbortedError', 'out.json: write aborted'],
    [new UsageError('--format must be table|json, got "xml"'), 'USAGE', 'UsageError', '--format must be table|json, got "xml"'],
  ])('%s has code %s', (err, code, name, message) => {
    expect(err).toBeInstanceOf(SeglossError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
    expect(err.message).toBe(message);
    expect(String(err)).toBe(`${name}: ${message}`);
  });

  it('gives every class its own code', () => {
    const made = [
      new InputError('f', 'r'), new FormatError('d'), new DiscoveryError('m'), new GateSyntaxError('e', 'r'), new GateUsageError([]),
      new ReportConfigError('k', 'r'), new MergeError('m'), new WriteAbortedError('p'), new UsageError('m'),
    ].map((e) => e.code);
    expect(new Set(made).size).toBe(made.length);
  });

  it('keeps the fields callers read: the file and reason, the expression, the problems, the key, the path', () => {
    expect(new InputError('f.nii', 'truncated')).toMatchObject({ file: 'f.nii', reason: 'truncated' });
    expect(new GateSyntaxError('m >= x', 'bad number')).toMatchObject({ expr: 'm >= x', reason: 'bad number' });
    expect(new GateUsageError([{ expr: 'a', reason: 'r' }, { expr: 'b', reason: 's' }]).message).toBe('gate "a": r\ngate "b": s');
    expect(new ReportConfigError('losses', 'expected a list').key).toBe('losses');
    expect(new WriteAbortedError('r.csv').path).toBe('r.csv');
    expect(new FormatError('x', { cause: 'zlib' }).cause).toBe('zlib');
  });

  it('is the same class wherever it is imported from, and the library exports the documented ones', () => {
    expect(InputErrorOfTypes).toBe(InputError);
    expect(FormatErrorOfIo).toBe(FormatError);
    expect(library.InputError).toBe(InputError);
    expect(library.MergeError).toBe(MergeError);
    // Gates and report files are the CLI's business: the library does not export their errors.
    expect('GateSyntaxError' in library).toBe(false);
    expect('WriteAbortedError' in library).toBe(false);
  });
});
