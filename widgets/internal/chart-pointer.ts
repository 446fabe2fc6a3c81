/**
 * ApexCharts listens for `mouseout` on its whole SVG and hides the tooltip on every one, including
 * the pointer passing from one drawn element to the next inside the plot (the band to a point, a
 * point to the legend's layer); the next `mousemove` shows it again. Its hover handling is
 * throttled to one update per 20 ms and a deferred update is not cancelled when a later event runs
 * at once, so a `mouseout` deferred just before the cursor came to rest could run after the last
 * `mousemove` and hide the tooltip under a still cursor (1 rest in 10 in the browser test).
 * A `mouseout` whose pointer stays inside the chart's SVG is no leaving: it is stopped here, on the
 * chart's container in the capture phase, before ApexCharts sees it. Leaving the SVG still hides
 * the tooltip, and `mousemove` still updates it.
 */
const guarded = new WeakSet<HTMLElement>();

export function keepTooltipOnInnerMoves(container: HTMLElement): void {
  if (guarded.has(container)) return;
  guarded.add(container);
  container.addEventListener(
    'mouseout',
    (event) => {
      const to = event.relatedTarget;
      if (!(to instanceof Node) || !(event.target instanceof Node)) return;
      const svg = (event.target as Element).closest?.('svg.apexcharts-svg') ?? null;
      if (svg && svg.contains(to)) event.stopPropagation();
    },
    { capture: true },
  );
}
