import type { ComponentType } from "preact";

/** Server-renders an island and leaves its props for the client bundle to hydrate (web/islands/client.tsx). */
export function Island<P extends object>({
  name,
  component: C,
  props,
}: {
  name: string;
  component: ComponentType<P>;
  props: P;
}) {
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <C {...props} />
    </div>
  );
}
