import type { ComponentChildren } from "preact";

/**
 * The <head> every page shares: UTF-8, phone viewport, never indexed, a referrer policy, a title and
 * one inline stylesheet (whose exact text the server pins by hash in its CSP). `children` adds to it.
 */
export function Head({
  title,
  css,
  referrer,
  children,
}: {
  title: string;
  css: string;
  referrer: "no-referrer" | "same-origin";
  children?: ComponentChildren;
}) {
  return (
    <head>
      <meta charSet="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content={referrer} />
      {children}
      <title>{title}</title>
      <style dangerouslySetInnerHTML={{ __html: css }} />
    </head>
  );
}
