import { css } from 'lit';

/** Styles of `<fq-explanation>`. */
export const explanationStyles = css`
  .subject {
    font-weight: 400;
    color: var(--muted-color);
  }

  .forecast {
    margin: 0 0 8px;
    font-weight: 600;
  }

  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }

  li {
    display: flex;
    gap: 12px;
    justify-content: space-between;
    padding: 4px 0;
    border-bottom: 1px solid var(--border-color);
  }

  .amount {
    font-variant-numeric: tabular-nums;
    font-weight: 700;
  }

  li[data-direction='up'] .amount {
    color: var(--success-color);
  }

  li[data-direction='down'] .amount {
    color: var(--danger-color);
  }

  .basis {
    margin: 8px 0 0;
    color: var(--muted-color);
    font-size: 0.9em;
  }
`;
