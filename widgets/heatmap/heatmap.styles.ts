import { css } from 'lit';

/** Styles of `<fq-heatmap>`. */
export const heatmapStyles = css`
  :host {
    --heat-low-color: #eff6ff;
    --heat-high-color: #1d4ed8;
  }

  :host([theme='dark']) {
    --heat-low-color: #1e293b;
    --heat-high-color: #60a5fa;
  }

  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --heat-low-color: #1e293b;
      --heat-high-color: #60a5fa;
    }
  }

  .caption {
    margin: -6px 0 10px;
    color: var(--muted-color);
    font-size: 0.9em;
  }

  .scroll {
    overflow-x: auto;
    max-width: 100%;
  }

  .scroll:focus-visible {
    outline: 2px solid var(--accent-color);
    outline-offset: 2px;
  }

  table {
    border-collapse: separate;
    border-spacing: 3px;
    font-variant-numeric: tabular-nums;
    font-size: 0.85em;
  }

  th {
    font-weight: 600;
    color: var(--muted-color);
    text-align: start;
    white-space: nowrap;
    padding: 2px 6px 2px 0;
  }

  thead th {
    text-align: center;
    font-weight: 500;
  }

  thead th[data-forecast] {
    color: var(--accent-color);
  }

  td {
    min-width: 3.4em;
    height: 2.2em;
    text-align: center;
    border-radius: 4px;
    padding: 0 4px;
    white-space: nowrap;
  }

  td[data-kind='forecast'] {
    outline: 2px dashed var(--text-color);
    outline-offset: -3px;
    font-style: italic;
  }

  td[data-kind='none'] {
    background: transparent;
    color: var(--muted-color);
  }

  tr[aria-current='true'] th {
    color: var(--text-color);
    text-decoration: underline;
  }

  .row-pick {
    border: none;
    background: none;
    padding: 0;
    min-height: 0;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }

  .row-pick:hover,
  .row-pick:focus-visible {
    color: var(--accent-color);
    text-decoration: underline;
  }

  .legend {
    display: flex;
    align-items: center;
    gap: 6px;
    margin-top: 8px;
    color: var(--muted-color);
    font-size: 0.85em;
  }

  .ramp {
    display: inline-block;
    width: 8em;
    height: 10px;
    border-radius: 5px;
  }

  .swatch-forecast {
    display: inline-block;
    width: 1.4em;
    height: 1em;
    outline: 2px dashed var(--text-color);
    outline-offset: -2px;
    border-radius: 3px;
    margin-inline-start: 12px;
  }
`;
