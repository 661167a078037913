// The loss/metric engine: pure functions over typed arrays.
export * from './params.js';
export * from './formulas/sums.js';
export * from './formulas/binaryLosses.js';
export * from './formulas/lovasz.js';
export * from './producers/probClass.js';
export * from './producers/labelMapClass.js';
export * from './producers/confusion.js';
export * from './formulas/overlap.js';
export * from './producers/prediction.js';
export * from './formulas/stats.js';
export * from './evaluate.js';
export * from './surface/surface.js';
export * from './sort/radix.js';
export * from './producers/quantizedClass.js';
