import { css } from 'lit';

/** Styles of `<fq-training-runs>`. */
export const trainingRunsStyles = css`
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
`;
