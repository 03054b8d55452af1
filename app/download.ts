/** Saves bytes or text under `name` through a temporary link (the browser's download; nothing leaves the browser). */
export function download(name: string, type: string, data: BlobPart): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; keep the URL a while for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An <svg> element as a standalone file (namespace declared, current drawing). */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}
