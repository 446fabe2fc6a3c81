/**
 * `/graphql` on the server the bundle came from when it was loaded as `…/widgets/[<hash>/]forecastql.js`
 * (this module then runs from one of its chunks, `…/widgets/[<hash>/]chunks/<name>.js`)
 * (one script tag from the API: no `endpoint` needed, and nothing is sent to the host page's own
 * server); otherwise (a bundler, Storybook) `/graphql` of the page.
 */
export function defaultEndpoint(moduleUrl: string = import.meta.url): string {
  try {
    const url = new URL(moduleUrl);
    if (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      /\/widgets\/(?:[0-9a-f]{16}\/)?(?:forecastql|chunks\/[\w.-]+)\.js$/.test(url.pathname)
    ) {
      return new URL(url.pathname.replace(/\/widgets\/.*$/, '/graphql'), url).toString();
    }
  } catch {
    // Not a URL (an unusual loader): fall through.
  }
  return '/graphql';
}
