import { css } from 'lit';

/** Styles of `<fq-scenario>`. */
export const scenarioStyles = css`
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 12px 20px;
    align-items: end;
    margin-bottom: 12px;
  }

  label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 0.9em;
    color: var(--muted-color);
  }

  input,
  select {
    font: inherit;
    color: var(--text-color);
    background: var(--background-color);
    border: 1px solid var(--border-color);
    border-radius: var(--radius);
    padding: 4px 6px;
  }

  input[type='range'] {
    padding: 0;
    min-width: 12em;
  }

  output {
    color: var(--text-color);
    font-weight: 600;
  }

  .summary {
    margin: 4px 0 8px;
    font-weight: 600;
  }

  .summary[data-direction='up'] {
    color: var(--success-color);
  }

  .summary[data-direction='down'] {
    color: var(--danger-color);
  }

  .chart-canvas {
    min-height: var(--chart-height, 320px);
  }

  .warnings {
    margin: 8px 0 0;
    color: var(--muted-color);
    font-size: 0.9em;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
