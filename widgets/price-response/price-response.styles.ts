import { css } from 'lit';

/** Styles of `<fq-price-response>`. */
export const priceResponseStyles = css`
  .chart {
    min-height: var(--chart-height);
  }

  .note {
    margin: 6px 0 0;
    color: var(--muted-color);
    font-size: 0.9em;
  }

  .warning {
    margin: 6px 0 0;
    color: var(--text-color);
    font-size: 0.9em;
  }
`;
