/**
 * Width of an element, followed with a ResizeObserver: its owner re-renders only when the width
 * changes, after the first measurement in a transition (React slices a large chart's render).
 */
import { startTransition, useLayoutEffect, useRef, useState, type RefObject } from 'react';

export function useWidth(fallback: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const measure = () => {
      const measured = Math.floor(element.clientWidth);
      if (measured > 0) setWidth(measured);
    };
    measure();
    const observer = new ResizeObserver(() => startTransition(measure));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
