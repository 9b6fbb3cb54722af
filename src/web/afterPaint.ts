// Measuring the DOM right after React commits forces a synchronous layout in the middle of the
// step; doing it after the frame is painted keeps a step within one frame (npm run bench, item 3).

/** Run `fn` after the browser has painted the current frame. Returns a cancel function. */
export function afterPaint(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(fn, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
  };
}

/**
 * Like afterPaint, for work that must not be lost (a step marked seen): if the page is left or the
 * component goes before the frame is painted, it runs then instead of being cancelled.
 */
export function afterPaintOrLeave(fn: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    window.removeEventListener('pagehide', once);
    fn();
  };
  window.addEventListener('pagehide', once);
  const cancel = afterPaint(once);
  return () => {
    cancel();
    once();
  };
}
