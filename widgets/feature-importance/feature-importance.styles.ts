import { css } from 'lit';

/** Styles of `<fq-feature-importance>`. */
export const featureImportanceStyles = css`
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 10px;
  }

  li {
    display: grid;
    grid-template-columns: minmax(8em, 14em) 1fr 3.5em;
    align-items: center;
    gap: 10px;
  }

  .label {
    color: var(--text-color);
  }

  .track {
    display: block;
    height: 14px;
    background: var(--surface-color);
    border-radius: 7px;
    overflow: hidden;
  }

  .bar {
    display: block;
    height: 100%;
    background: var(--accent-color);
    border-radius: 7px;
    min-width: 2px;
  }

  .share {
    text-align: end;
    font-variant-numeric: tabular-nums;
    color: var(--muted-color);
  }

  .caption {
    margin: -6px 0 12px;
    color: var(--muted-color);
    font-size: 0.9em;
  }
`;
