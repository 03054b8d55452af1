/**
 * Charts as files, one way for every chart on the page. The chart's <svg> is copied with the
 * styles the page's stylesheet gives it written onto each element (a file has no stylesheet),
 * on a white background, under the chart's title and legend (HTML on the page, so drawn here
 * as SVG text). PNG: that same SVG drawn onto a canvas at 2× and encoded by the browser.
 */

export interface LegendEntry {
  label: string;
  colour: string;
}

export interface ChartFileSpec {
  /** The chart's heading on the page. */
  title: string;
  legend?: readonly LegendEntry[];
}

/** A standalone SVG document and its size in CSS pixels. */
export interface ChartSvgFile {
  text: string;
  width: number;
  height: number;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The CSS properties that change how SVG content looks, with whether a child inherits them
 * (then only values that differ from the parent's need writing) or their initial value.
 */
const STYLE_PROPERTIES: Readonly<Record<string, { inherited: true } | { inherited: false; initial: string }>> = {
  fill: { inherited: true },
  'fill-opacity': { inherited: true },
  stroke: { inherited: true },
  'stroke-width': { inherited: true },
  'stroke-dasharray': { inherited: true },
  'stroke-opacity': { inherited: true },
  'stroke-linejoin': { inherited: true },
  'stroke-linecap': { inherited: true },
  'font-family': { inherited: true },
  'font-size': { inherited: true },
  'font-weight': { inherited: true },
  'font-style': { inherited: true },
  'text-anchor': { inherited: true },
  'dominant-baseline': { inherited: true },
  visibility: { inherited: true },
  opacity: { inherited: false, initial: '1' },
  display: { inherited: false, initial: 'inline' },
};

export const STYLED_PROPERTIES: readonly string[] = Object.keys(STYLE_PROPERTIES);

/**
 * The declarations an element needs so that, without the stylesheet, it looks as it does on the
 * page: an inherited property where it differs from the parent's value (the root, `parent` null,
 * gets all of them: in a file nothing is above it), any other where it differs from its initial value.
 */
export function declarationsToWrite(own: Readonly<Record<string, string>>, parent: Readonly<Record<string, string>> | null): Record<string, string> {
  const written: Record<string, string> = {};
  for (const [property, rule] of Object.entries(STYLE_PROPERTIES)) {
    const value = own[property];
    if (value === undefined || value === '') continue;
    const needed = rule.inherited ? parent === null || parent[property] !== value : value !== rule.initial;
    if (needed) written[property] = value;
  }
  return written;
}

/** Where the title and the legend entries go above the chart: entries flow left to right and wrap at `width`. */
export interface HeaderLayout {
  height: number;
  title: { x: number; y: number };
  legend: { x: number; y: number; entry: LegendEntry }[];
}

export const TITLE_SIZE = 14;
export const LEGEND_SIZE = 12;
const PAD = 8;
const LEGEND_GAP = 16;
const LINE = 1.4;

/** `measure(text, fontSize)`: the text's width in pixels (the page measures it with a canvas). */
export function headerLayout(spec: ChartFileSpec, width: number, measure: (text: string, fontSize: number) => number): HeaderLayout {
  const titleY = PAD + TITLE_SIZE;
  let y = titleY + PAD + LEGEND_SIZE;
  let x = PAD;
  const legend: HeaderLayout['legend'] = [];
  const entries = spec.legend ?? [];
  for (const entry of entries) {
    const w = measure(entry.label, LEGEND_SIZE);
    if (x > PAD && x + w > width - PAD) {
      x = PAD;
      y += LINE * LEGEND_SIZE;
    }
    legend.push({ x, y, entry });
    x += w + LEGEND_GAP;
  }
  const bottom = entries.length > 0 ? y : titleY;
  return { height: Math.ceil(bottom + PAD), title: { x: PAD, y: titleY }, legend };
}

function computedDeclarations(element: Element): Record<string, string> {
  const style = getComputedStyle(element);
  return Object.fromEntries(STYLED_PROPERTIES.map((property) => [property, style.getPropertyValue(property)]));
}

/** Writes each element's needed declarations onto its copy (the two trees have the same shape). */
function inlineStyles(original: Element, copy: Element, parent: Record<string, string> | null): void {
  const own = computedDeclarations(original);
  const style = (copy as SVGElement).style;
  for (const [property, value] of Object.entries(declarationsToWrite(own, parent))) style.setProperty(property, value);
  for (let i = 0; i < original.children.length; i++) inlineStyles(original.children[i]!, copy.children[i]!, own);
}

let measureContext: CanvasRenderingContext2D | null = null;

function measureText(text: string, fontSize: number, fontFamily: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (measureContext === null) return 0.6 * fontSize * text.length;
  measureContext.font = `${fontSize}px ${fontFamily}`;
  return measureContext.measureText(text).width;
}

function svgElement<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The chart `svg` as drawn now, as a standalone SVG document with its title and legend on white. */
export function chartSvgFile(svg: SVGSVGElement, spec: ChartFileSpec): ChartSvgFile {
  const box = svg.getBoundingClientRect();
  const width = Math.round(box.width);
  const chartHeight = Math.round(box.height);
  if (width === 0 || chartHeight === 0) throw new Error('the chart is not drawn (it has no size): show it, then save it');
  const fontFamily = getComputedStyle(svg).getPropertyValue('font-family') || 'sans-serif';
  const header = headerLayout(spec, width, (text, size) => measureText(text, size, fontFamily));
  const height = header.height + chartHeight;

  const chart = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, chart, null);
  // Placed below the header at its size on the page; its own viewBox (if any) maps its drawing into it.
  chart.style.removeProperty('width');
  chart.style.removeProperty('height');
  chart.removeAttribute('tabindex');
  chart.setAttribute('x', '0');
  chart.setAttribute('y', String(header.height));
  chart.setAttribute('width', String(width));
  chart.setAttribute('height', String(chartHeight));

  const file = svgElement('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': fontFamily });
  file.append(svgElement('title', {}, spec.title));
  file.append(svgElement('rect', { x: 0, y: 0, width, height, fill: 'white' }));
  file.append(svgElement('text', { class: 'chart-file-title', x: header.title.x, y: header.title.y, 'font-size': TITLE_SIZE, 'font-weight': 600, fill: '#1a1d23' }, spec.title));
  for (const { x, y, entry } of header.legend) {
    file.append(svgElement('text', { class: 'chart-file-legend', x, y, 'font-size': LEGEND_SIZE, fill: entry.colour }, entry.label));
  }
  file.append(chart);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(file)}\n`, width, height };
}

/** The file drawn at `scale` × its size and encoded as PNG. */
export async function chartPng(file: ChartSvgFile, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([file.text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(scale * file.width);
    canvas.height = Math.round(scale * file.height);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('this browser gives no 2D canvas to draw the PNG on');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob === null ? reject(new Error('the browser could not encode the PNG')) : resolve(blob)), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
