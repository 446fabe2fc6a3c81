/**
 * The script-tag entry, built as `dist/widgets/forecastql.js`: a few KB that define each `fq-*`
 * element lazily. When a tag first appears in the document (in the HTML, or added later by a
 * framework), its chunk is imported and defines it; the element then upgrades in place, keeping the
 * attributes and properties set on it before. Lit, the shared widget code and ApexCharts are chunks
 * of their own, so a page with only `<fq-kpis>` never downloads ApexCharts. Chunks are imported
 * relative to this module (`./chunks/…`), so a cross-origin embed fetches them from the API that
 * served the entry. Each widget's chunk is requested together with the chunks it imports (the
 * build writes that list into this module, see vite.widgets.config.ts), not one after another.
 *
 * Widgets in a host component's shadow root are found too: the open shadow roots present when this
 * module runs are searched, and shadow roots attached later are observed (`attachShadow` is wrapped
 * until every widget is loading). A shadow root attached before this module ran and closed cannot be
 * seen: call `observeWidgets(root)` for it, or `loadWidget('fq-kpis')`.
 * `customElements.whenDefined('fq-…')` also loads the widget, so a host that waits for the
 * definition before rendering (React 19, to set properties) still gets it.
 *
 * When a chunk cannot be loaded, each element of that tag fires `fq-error` with the code
 * `WIDGET_LOAD_FAILED` and a message naming the tag and the fix; its next appearance tries again.
 *
 * Bundler users `import 'forecastql/widgets'` (`widgets/index.ts`), which defines every element at once.
 */
import { WIDGET_MODULES, WIDGET_TAGS, isWidgetTag, type WidgetTag } from './registry.js';

export { WIDGET_TAGS, type WidgetTag } from './registry.js';

const SELECTOR = WIDGET_TAGS.join(',');

/** `fq-error`'s code when a widget's chunk cannot be loaded (the element stays empty). */
export const WIDGET_LOAD_FAILED = 'WIDGET_LOAD_FAILED';

/** The roots observed so far (the document, shadow roots), held weakly. */
const roots: WeakRef<Document | ShadowRoot>[] = [];

function widgetsIn(tag: WidgetTag): Element[] {
  return roots.flatMap((ref) => [...(ref.deref()?.querySelectorAll(tag) ?? [])]);
}
const loading = new Map<WidgetTag, Promise<CustomElementConstructor>>();
const whenDefined = customElements.whenDefined.bind(customElements);

/** Imports the chunk that defines `tag` (once); resolves with its class when it is defined. */
export function loadWidget(tag: WidgetTag): Promise<CustomElementConstructor> {
  let pending = loading.get(tag);
  if (!pending) {
    pending = WIDGET_MODULES[tag]().then(() => whenDefined(tag));
    pending.catch((error: unknown) => {
      // Let a later appearance of the tag try again (a network error is often transient).
      loading.delete(tag);
      const message = `<${tag}> could not be loaded (${String(error)}). Its chunk is served beside forecastql.js (…/widgets/chunks/): reload the page, or check that the server or CDN serves that folder.`;
      console.error(`ForecastQL: ${message}`);
      for (const element of widgetsIn(tag)) {
        element.dispatchEvent(
          new CustomEvent('fq-error', {
            detail: { code: WIDGET_LOAD_FAILED, message },
            bubbles: true,
            composed: true,
          }),
        );
      }
    });
    loading.set(tag, pending);
  }
  return pending;
}

function want(name: string): void {
  if (isWidgetTag(name) && !loading.has(name) && !customElements.get(name)) void loadWidget(name).catch(noop);
}

function discover(node: Node): void {
  if (!(node instanceof Element)) return;
  want(node.localName);
  for (const element of node.querySelectorAll(SELECTOR)) want(element.localName);
}

function noop(): void {}

const allLoading = (): boolean => WIDGET_TAGS.every((tag) => loading.has(tag) || customElements.get(tag));

/** Loads the widgets in `root` now and whenever they are added to it later (a document or a shadow root). */
export function observeWidgets(root: Document | ShadowRoot): void {
  if (roots.length >= 64) roots.splice(0, roots.length, ...roots.filter((ref) => ref.deref()));
  roots.push(new WeakRef(root));
  for (const element of root.querySelectorAll(SELECTOR)) want(element.localName);
  if (allLoading()) return;
  const observer = new MutationObserver((records, self) => {
    for (const record of records) for (const node of record.addedNodes) discover(node);
    if (allLoading()) self.disconnect();
  });
  observer.observe(root, { childList: true, subtree: true });
}

/** Every open shadow root under `root` (a host's components), which the document's observer does not see into. */
function openShadowRoots(root: Document | ShadowRoot, found: ShadowRoot[] = []): ShadowRoot[] {
  for (const element of root.querySelectorAll('*')) {
    if (element.shadowRoot && !isWidgetTag(element.localName)) {
      found.push(element.shadowRoot);
      openShadowRoots(element.shadowRoot, found);
    }
  }
  return found;
}

// `await customElements.whenDefined('fq-…')` means the page is about to use that widget.
customElements.whenDefined = (name: string): Promise<CustomElementConstructor> => {
  if (isWidgetTag(name)) void loadWidget(name).catch(noop);
  return whenDefined(name);
};

// A host component's shadow root (open or closed) made from now on is watched too, until every
// widget is loading; the widgets' own shadow roots hold no widget and are left alone.
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit): ShadowRoot {
  const root = attachShadow.call(this, init);
  if (!isWidgetTag(this.localName)) {
    if (allLoading()) {
      if (Element.prototype.attachShadow === patchedAttachShadow) Element.prototype.attachShadow = attachShadow;
    } else observeWidgets(root);
  }
  return root;
};
const patchedAttachShadow = Element.prototype.attachShadow;

observeWidgets(document);
for (const root of openShadowRoots(document)) observeWidgets(root);
