/**
 * A Poisson(λ) draw (whole units) by inversion of its CDF with one uniform from `u`: the draw the
 * engine's tests generate count data with (stock-distribution.test.ts, gbm.test.ts).
 */
export function poissonDraw(u: () => number, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let c = p;
  const x = u();
  while (x > c) {
    k++;
    p *= lambda / k;
    c += p;
  }
  return k;
}
