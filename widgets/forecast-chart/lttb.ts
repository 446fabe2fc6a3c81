/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013), as indices so several aligned
 * series (actual, p10, p50, p90) can be thinned by the same choice of points. Pure.
 *
 * Keeps the first and last point; splits the rest into `threshold - 2` buckets and keeps, from each,
 * the point forming the largest triangle with the previously kept point and the next bucket's mean.
 * Null values are treated as 0 for the choice only (they never appear in the output values).
 *
 * @example
 * ```ts
 * lttbIndices([0, 1, 2, 3, 4], [0, 5, 0, 5, 0], 3); // [0, 1, 4] (or 3): first, the biggest swing, last
 * ```
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number | null>, threshold: number): number[] {
  const length = xs.length;
  if (ys.length !== length) throw new RangeError(`lttbIndices: ${length} x values but ${ys.length} y values`);
  if (threshold >= length || threshold <= 0) return Array.from({ length }, (_, index) => index);
  if (threshold < 3) throw new RangeError(`lttbIndices: threshold ${threshold} must be at least 3 (first, one, last)`);
  const y = (index: number): number => ys[index] ?? 0;
  const kept: number[] = [0];
  const bucketSize = (length - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, length - 1);
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, length);
    let meanX = 0;
    let meanY = 0;
    for (let index = nextStart; index < nextEnd; index++) {
      meanX += xs[index]!;
      meanY += y(index);
    }
    const nextCount = Math.max(nextEnd - nextStart, 1);
    meanX /= nextCount;
    meanY /= nextCount;
    const previousX = xs[previous]!;
    const previousY = y(previous);
    let bestArea = -1;
    let best = start;
    for (let index = start; index < end; index++) {
      const area = Math.abs(
        (previousX - meanX) * (y(index) - previousY) - (previousX - xs[index]!) * (meanY - previousY),
      );
      if (area > bestArea) {
        bestArea = area;
        best = index;
      }
    }
    kept.push(best);
    previous = best;
  }
  kept.push(length - 1);
  return kept;
}
