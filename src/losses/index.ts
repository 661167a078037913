// The loss/metric engine: pure functions over typed arrays.
export * from './params.js';
export * from './sums.js';
export * from './binaryLosses.js';
export * from './lovasz.js';
export * from './probClass.js';
export * from './labelMapClass.js';
export * from './confusion.js';
export * from './overlap.js';
export * from './prediction.js';
export * from './stats.js';
export * from './evaluate.js';
export * from './surface.js';
export * from './radix.js';
export * from './quantizedClass.js';
