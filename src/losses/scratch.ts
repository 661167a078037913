// What one thread owns and reuses from case to case, handed to the kernels that need it:
// the joint histogram's dense tables, the key buffer the float32 sort fills, and the
// helper thread its cases may be split over (or none). One scratch per thread, never
// shared: its buffers are overwritten by the next case.
import { PairTables } from './producers/confusion.js';
import { KeyBuffer } from './sort/bucketSort.js';
import type { SplitHelper } from './parallel/split.js';

export class ThreadScratch {
  readonly pairs = new PairTables();
  readonly keys = new KeyBuffer();

  /** @param helper a second thread a large case is split over (SplitHelper.start()); null: this thread alone */
  constructor(readonly helper: SplitHelper | null = null) {}
}
