import { css } from 'lit';

/** Styles of `<fq-accuracy>`. */
export const accuracyStyles = css`
  .subject {
    font-weight: 400;
    color: var(--muted-color);
  }

  .note {
    margin: 0 0 8px;
    color: var(--muted-color);
  }

  .headline {
    font-size: 1.5em;
    font-weight: 700;
    margin: 0 0 4px;
    line-height: 1.25;
  }

  .headline[data-direction='better'] {
    color: var(--success-color);
  }

  .headline[data-direction='worse'] {
    color: var(--danger-color);
  }

  .basis,
  .coverage {
    margin: 4px 0;
    color: var(--muted-color);
  }

  .coverage-meter {
    position: relative;
    height: 10px;
    background: var(--surface-color);
    border-radius: 5px;
    margin: 8px 0 12px;
    max-width: 24em;
  }

  .coverage-fill {
    height: 100%;
    border-radius: 5px;
    background: var(--accent-color);
  }

  .coverage-target {
    position: absolute;
    top: -3px;
    bottom: -3px;
    width: 2px;
    background: var(--text-color);
  }

  table {
    border-collapse: collapse;
    margin-top: 8px;
    font-variant-numeric: tabular-nums;
  }

  th,
  td {
    text-align: start;
    padding: 4px 12px 4px 0;
    border-bottom: 1px solid var(--border-color);
  }

  th {
    color: var(--muted-color);
    font-weight: 600;
  }
`;
