import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json' with { type: 'json' };
// oxlint-disable-next-line import/no-unassigned-import -- the import registers every fq-* element
import '../widgets/index.js';

// Attribute, event, part and CSS-property tables in the Controls panel come from the manifest.
setCustomElementsManifest(manifest);

const preview: Preview = {
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};

export default preview;
