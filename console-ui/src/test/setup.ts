import '@testing-library/jest-dom/vitest';
import { configure } from '@testing-library/react';

// Ant Design validates and re-renders asynchronously; on a busy build machine that can take seconds.
configure({ asyncUtilTimeout: 15000 });

// jsdom lacks these; Ant Design's responsive and measuring code calls them.
window.matchMedia =
  window.matchMedia ||
  ((query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as unknown as MediaQueryList);

class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver = globalThis.ResizeObserver || (NoResizeObserver as unknown as typeof ResizeObserver);

// jsdom implements getComputedStyle without pseudo-elements; Ant Design asks for them when measuring scroll bars.
const computed = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element) => computed(element);
