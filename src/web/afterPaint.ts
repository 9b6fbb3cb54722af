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
