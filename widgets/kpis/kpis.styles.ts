import { css } from 'lit';

/** Styles of `<fq-kpis>`. */
export const kpisStyles = css`
  .subject {
    font-weight: 400;
    color: var(--muted-color);
  }

  .period {
    margin: -6px 0 12px;
    color: var(--muted-color);
  }

  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14em, 1fr));
    gap: 12px;
  }

  .card {
    background: var(--surface-color);
    border-radius: var(--radius);
    padding: 12px 14px;
  }

  h3 {
    margin: 0;
    font-size: 0.95em;
    font-weight: 600;
    color: var(--muted-color);
  }

  .value {
    margin: 2px 0 0;
    font-size: 1.9em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }

  .range {
    margin: 0 0 8px;
    color: var(--muted-color);
    font-variant-numeric: tabular-nums;
  }

  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 4px;
  }

  li {
    display: flex;
    flex-wrap: wrap;
    gap: 0 6px;
    align-items: baseline;
  }

  .change {
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }

  li[data-direction='up'] .change {
    color: var(--success-color);
  }

  li[data-direction='down'] .change {
    color: var(--danger-color);
  }

  .was,
  .note {
    color: var(--muted-color);
    font-size: 0.9em;
  }

  .note {
    margin: 8px 0 0;
  }
`;
