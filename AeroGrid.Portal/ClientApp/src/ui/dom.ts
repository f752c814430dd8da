// A few lines instead of a UI framework: the Portal has a handful of screens whose parts update in place.

export type Child = Node | string | number | null | undefined | false;

type Listeners = { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };

export interface Props {
  class?: string;
  /** Becomes data-testid: the stable handle the browser tests use. */
  testid?: string;
  on?: Listeners;
  [attribute: string]: string | number | boolean | null | undefined | Listeners;
}

/** Creates an element: attributes (false/null/undefined are left out, true is present), listeners, children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'on') {
      for (const [event, listener] of Object.entries(value as Listeners)) {
        element.addEventListener(event, listener as EventListener);
      }
    } else if (value === true) {
      element.setAttribute(key === 'testid' ? 'data-testid' : key, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(key === 'testid' ? 'data-testid' : key, String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Element | DocumentFragment, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

let ids = 0;
/** A unique id for label/aria-describedby pairs. */
export function uid(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Whether a keyboard event is Ctrl+key (Cmd+key on a Mac). */
export function isPrimaryShortcut(event: KeyboardEvent, key: string): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === key;
}
