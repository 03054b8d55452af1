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
