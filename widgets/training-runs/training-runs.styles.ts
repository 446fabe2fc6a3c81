import { css } from 'lit';

/** Styles of `<fq-training-runs>`. */
export const trainingRunsStyles = css`
  :host {
    container-type: inline-size;
  }

  .note {
    margin: 0 0 8px;
    font-size: 0.9em;
    color: var(--muted-color);
  }

  .confirm {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 6px;
  }

  /* Narrow (a phone): each run is a card of label–value lines instead of a wide table row. */
  @container (max-width: 540px) {
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }

    tbody tr {
      display: grid;
      grid-template-columns: minmax(6em, auto) 1fr;
      gap: 4px 12px;
      padding: 8px 0;
      border-bottom: 1px solid var(--border-color);
    }

    tbody td {
      display: contents;
    }

    tbody td::before {
      content: attr(data-label);
      color: var(--muted-color);
      font-size: 0.9em;
    }

    tbody td:not([data-label])::before {
      content: none;
    }

    .progress {
      min-width: 0;
    }

    .badge {
      justify-self: start;
    }

    .toolbar {
      flex-wrap: wrap;
    }
  }
  .toolbar {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 12px;
    margin-bottom: 12px;
  }

  .toolbar h2 {
    margin: 0;
  }

  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }

  th,
  td {
    text-align: start;
    padding: 6px 10px 6px 0;
    border-bottom: 1px solid var(--border-color);
    vertical-align: middle;
  }

  thead th {
    color: var(--muted-color);
    font-weight: 600;
    font-size: 0.9em;
  }

  .badge {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: 0.85em;
    font-weight: 600;
    border: 1px solid currentColor;
  }

  .badge[data-status='SUCCEEDED'] {
    color: var(--success-color);
  }

  .badge[data-status='FAILED'] {
    color: var(--danger-color);
  }

  .badge[data-status='RUNNING'],
  .badge[data-status='QUEUED'] {
    color: var(--accent-color);
  }

  .badge[data-status='CANCELLED'] {
    color: var(--muted-color);
  }

  .progress {
    display: flex;
    align-items: center;
    gap: 8px;
    min-width: 10em;
  }

  .progress-track {
    flex: 1;
    height: 8px;
    border-radius: 4px;
    background: var(--surface-color);
    overflow: hidden;
  }

  .progress-fill {
    height: 100%;
    background: var(--accent-color);
    transition: width 0.3s ease;
  }

  .muted {
    color: var(--muted-color);
    font-size: 0.85em;
  }

  .error-text {
    color: var(--danger-color);
    font-size: 0.85em;
  }

  .warnings {
    margin-top: 4px;
    font-size: 0.85em;
    max-width: 40em;
  }

  .warnings summary {
    cursor: pointer;
    color: var(--muted-color);
  }

  .warnings ul {
    margin: 4px 0 0;
    padding-inline-start: 1.2em;
  }
`;
