import { css } from 'lit';

/** Styles of `<fq-alerts>`. */
export const alertsStyles = css`
  header {
    display: flex;
    align-items: center;
    gap: 8px;
  }

  .count {
    display: inline-block;
    min-width: 1.6em;
    padding: 0 8px;
    border-radius: 999px;
    border: 2px solid var(--danger-color);
    font-weight: 700;
    text-align: center;
  }

  .count[data-count='0'] {
    border-color: var(--success-color);
    font-weight: 400;
  }

  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }

  li {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: 12px;
    padding: 8px 4px;
    border-bottom: 1px solid var(--surface-color);
  }

  li[data-status='ACKNOWLEDGED'] {
    color: var(--muted-color);
  }

  .series {
    font: inherit;
    font-weight: 600;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    cursor: pointer;
    text-decoration: underline dotted;
  }

  .severity {
    display: inline-block;
    margin-left: 6px;
    padding: 0 6px;
    border-radius: 999px;
    font-size: 0.8em;
    white-space: nowrap;
  }

  .severity[data-severity='CRITICAL'] {
    border: 2px solid var(--danger-color);
    font-weight: 700;
  }

  .severity[data-severity='WARNING'] {
    border: 1px solid var(--accent-color, var(--muted-color));
  }

  .muted {
    color: var(--muted-color);
  }

  .detail {
    margin: 2px 0 0;
    font-variant-numeric: tabular-nums;
  }

  .ack {
    font: inherit;
    padding: 2px 10px;
    border-radius: 4px;
    border: 1px solid var(--muted-color);
    background: var(--background-color);
    color: var(--text-color);
    cursor: pointer;
    white-space: nowrap;
  }

  .ack:disabled {
    cursor: default;
    opacity: 0.7;
  }

  .notice {
    margin: 6px 0;
    color: var(--muted-color);
  }
`;
