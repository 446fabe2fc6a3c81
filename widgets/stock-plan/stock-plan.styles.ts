import { css } from 'lit';

/** Styles of `<fq-stock-plan>`. */
export const stockPlanStyles = css`
  .caption {
    margin: -6px 0 10px;
    color: var(--muted-color);
  }

  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }

  th,
  td {
    padding: 6px 8px;
    border-bottom: 1px solid var(--surface-color);
    text-align: right;
  }

  th:first-child,
  td:first-child {
    text-align: left;
  }

  th button {
    font: inherit;
    font-weight: 600;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    cursor: pointer;
    text-decoration: underline dotted;
  }

  th[aria-sort='ascending'] button,
  th[aria-sort='descending'] button {
    text-decoration: underline;
  }

  tbody tr {
    cursor: pointer;
  }

  tbody tr:hover,
  tbody tr:focus-visible {
    background: var(--surface-color);
  }

  .badge {
    display: inline-block;
    margin-left: 6px;
    padding: 0 6px;
    border-radius: 999px;
    font-size: 0.8em;
    white-space: nowrap;
  }

  .badge[data-urgency='critical'] {
    border: 2px solid var(--danger-color);
    font-weight: 700;
  }

  .badge[data-urgency='order'] {
    border: 1px solid var(--accent-color, var(--muted-color));
  }

  .badge[data-urgency='ok'] {
    border: 1px solid var(--success-color);
  }

  .badge[data-urgency='unknown'] {
    border: 1px dashed var(--muted-color);
  }

  .muted {
    color: var(--muted-color);
  }

  .order {
    font-weight: 700;
  }
`;
