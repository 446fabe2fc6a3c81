// Storybook 10 for the widgets: `npm run storybook` (dev, port 6006) and `npm run build-storybook`
// (static, storybook-static/). Offline: telemetry is off and no addon fetches anything.
// Storybook requires a default export here (an exception to the named-exports rule).
import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  stories: ['./stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(viteConfig) {
    return {
      ...viteConfig,
      // Lit's legacy decorators, as in widgets/tsconfig.lib.json and vite.widgets.config.ts.
      esbuild: {
        ...(typeof viteConfig.esbuild === 'object' ? viteConfig.esbuild : {}),
        tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
      },
    };
  },
};

export default config;
