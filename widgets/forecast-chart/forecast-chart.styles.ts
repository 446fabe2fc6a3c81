import { css } from 'lit';

/** Styles of `<fq-forecast-chart>` (ApexCharts' own stylesheet is added to the same shadow root). */
export const forecastChartStyles = css`
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px 16px;
    margin-bottom: 8px;
  }

  .header h2 {
    margin: 0;
  }

  .controls {
    margin-bottom: 4px;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
  }

  .controls input[type='search'] {
    width: 14em;
  }

  .controls select {
    max-width: 16em;
  }

  .export {
    display: inline-flex;
    gap: 4px;
    align-items: center;
  }

  .export button {
    padding: 2px 8px;
    font-size: 0.9em;
  }

  .busy {
    font-size: 0.85em;
    color: var(--muted-color);
    min-height: 1.2em;
  }

  .chart-region {
    position: relative;
    min-height: var(--chart-height);
  }

  .chart-canvas {
    width: 100%;
    min-height: var(--chart-height);
  }

  .chart-region[data-state='error'] .chart-canvas,
  .chart-region[data-state='empty'] .chart-canvas,
  .chart-region[data-state='initial'] .chart-canvas {
    visibility: hidden;
  }

  .overlay {
    position: absolute;
    inset: 0;
    display: flex;
    align-items: flex-start;
    justify-content: stretch;
  }

  .overlay > .state {
    width: 100%;
  }

  .chart-tools {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin: 4px 0;
  }

  .chart-tools button {
    padding: 2px 8px;
    font-size: 0.85em;
  }

  .chart-tools button[aria-pressed='true'] {
    background: var(--accent-color);
    border-color: var(--accent-color);
    color: var(--background-color);
  }

  .chart-region:focus-visible {
    outline: 2px solid var(--accent-color);
    outline-offset: 2px;
  }

  .readout.muted {
    color: var(--muted-color);
  }

  .readout {
    margin: 4px 0 0;
    font-size: 0.85em;
    min-height: 1.3em;
    overflow-wrap: anywhere;
  }

  .data-table {
    width: 100%;
    margin-top: 8px;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
    font-size: 0.9em;
    display: block;
    max-height: 24em;
    overflow: auto;
  }

  .data-table caption {
    text-align: start;
    color: var(--muted-color);
    padding-bottom: 4px;
  }

  .data-table th,
  .data-table td {
    text-align: end;
    padding: 3px 8px;
    border-bottom: 1px solid var(--border-color);
  }

  .data-table th[scope='row'],
  .data-table thead th:first-child {
    text-align: start;
  }

  .note {
    margin: 4px 0 0;
    font-size: 0.85em;
    color: var(--muted-color);
  }

  /*
   * The point ApexCharts enlarges under the pointer on hover must not take the pointer itself:
   * when it lands under a still cursor, the browser fires mouseout on the plot, ApexCharts hides
   * the tooltip and shrinks the point, and the tooltip stays hidden until the mouse moves again.
   * Whether that happens depended on the data (how close the cursor sat to a point).
   */
  .apexcharts-series-markers,
  .apexcharts-marker {
    pointer-events: none;
  }

  /* The tooltip markup comes from build-options.ts#tooltipHtml. */
  .fq-tooltip {
    padding: 8px 10px;
    font-size: 12px;
    min-width: 180px;
  }

  .fq-tooltip-title {
    font-weight: 600;
    margin-bottom: 4px;
  }

  .fq-tooltip-row {
    display: flex;
    align-items: center;
    gap: 6px;
    justify-content: space-between;
  }

  .fq-tooltip-label {
    flex: 1;
  }

  .fq-tooltip-swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 2px;
  }

  .fq-tooltip-event {
    margin-top: 4px;
    font-style: italic;
  }

  /* The explanation of a forecast point, filled in when explainForecast answers. */
  .fq-tooltip-why {
    margin-top: 4px;
    max-width: 280px;
    white-space: normal;
  }

  .fq-tooltip-why:empty {
    display: none;
  }

  .apexcharts-tooltip.apexcharts-theme-dark {
    background: #1f2937;
    color: #f9fafb;
  }
`;
