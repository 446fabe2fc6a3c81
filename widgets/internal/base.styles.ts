import { css } from 'lit';

/** The dark theme's custom properties, for `theme="dark"` and for `theme="auto"` on a dark system. */
const darkPalette = css`
  --background-color: #111827;
  --surface-color: #1f2937;
  --text-color: #f3f4f6;
  --muted-color: #cbd5e1;
  --border-color: #374151;
  --accent-color: #60a5fa;
  --actual-color: #f9fafb;
  --band-color: #1e40af;
  --holiday-color: #fbbf24;
  --promotion-color: #c4b5fd;
  --success-color: #34d399;
  --danger-color: #fca5a5;
`;

/**
 * Styles every widget shares: the themed custom properties (light, dark, auto), the state panels
 * (loading, empty, error), buttons, form controls and the visually hidden helper. Everything is
 * scoped to the shadow root; nothing reaches the host page.
 */
export const baseStyles = css`
  :host {
    --background-color: #ffffff;
    --surface-color: #f8fafc;
    --text-color: #1f2937;
    --muted-color: #4b5563;
    --border-color: #d1d5db;
    --accent-color: #2563eb;
    --actual-color: #111827;
    --band-color: #93c5fd;
    --holiday-color: #b45309;
    --promotion-color: #7c3aed;
    --success-color: #047857;
    --danger-color: #b91c1c;
    --font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans SC', 'PingFang SC', sans-serif;
    --font-size: 14px;
    --radius: 8px;
    --chart-height: 360px;

    display: block;
    box-sizing: border-box;
    color: var(--text-color);
    background: var(--background-color);
    font-family: var(--font-family);
    font-size: var(--font-size);
    line-height: 1.45;
    border: 1px solid var(--border-color);
    border-radius: var(--radius);
    padding: 16px;
    contain: content;
  }

  :host([theme='dark']) {
    ${darkPalette}
  }

  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${darkPalette}
    }
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  h2 {
    font-size: 1.1em;
    font-weight: 600;
    margin: 0 0 12px;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }

  .state {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 8px;
    padding: 16px;
    border-radius: var(--radius);
    background: var(--surface-color);
    color: var(--muted-color);
  }

  .state[data-kind='error'] {
    color: var(--text-color);
    border-left: 4px solid var(--danger-color);
  }

  .state strong {
    color: var(--text-color);
  }

  .state code {
    font-size: 0.85em;
    color: var(--muted-color);
  }

  button,
  select,
  input {
    font: inherit;
    color: var(--text-color);
    background: var(--background-color);
    border: 1px solid var(--border-color);
    border-radius: calc(var(--radius) / 2);
    padding: 4px 10px;
    min-height: 32px;
  }

  button {
    cursor: pointer;
  }

  button:hover {
    border-color: var(--accent-color);
  }

  button[data-variant='primary'] {
    background: var(--accent-color);
    border-color: var(--accent-color);
    color: var(--background-color);
    font-weight: 600;
  }

  button:focus-visible,
  select:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--accent-color);
    outline-offset: 2px;
  }

  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }

  label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--muted-color);
  }
`;
