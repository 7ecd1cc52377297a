/**
 * The one font of the architecture diagram, so it renders the same everywhere: DejaVu Sans (from the
 * @fontsource/dejavu-sans npm package, regular weight, Latin subset). Graphviz sizes boxes with its
 * built-in DejaVu Sans metrics; the SVG embeds a subset of the real font (only the glyphs it uses) as
 * a data URI, so a browser draws the same glyphs at the same widths whatever fonts the machine has.
 * The diagram test renders the SVG with that embedded font and measures every label with it.
 */
import { readFileSync } from "node:fs";
import * as fontkit from "fontkit";

/** The family name the DOT source and the SVG use (Graphviz knows its metrics). */
export const DIAGRAM_FONT_FAMILY = "DejaVu Sans";

/** Fallbacks for a viewer that ignores embedded fonts: metrically close to DejaVu Sans, then any sans. */
export const DIAGRAM_FONT_STACK = `'${DIAGRAM_FONT_FAMILY}', Verdana, sans-serif`;

let cached: fontkit.Font | undefined;

/** The full font (Latin subset of DejaVu Sans, regular). */
export function diagramFont(): fontkit.Font {
  if (!cached) {
    cached = fontkit.create(readFileSync(fontFile())) as fontkit.Font;
  }
  return cached;
}

/** Width of one line of text in points at `size` points (advance widths with the font's kerning). */
export function textWidth(text: string, size: number, font: fontkit.Font = diagramFont()): number {
  return (font.layout(text).advanceWidth / font.unitsPerEm) * size;
}

/** Characters of `text` the font has no glyph for (they would render as boxes or in another font). */
export function missingGlyphs(text: string, font: fontkit.Font = diagramFont()): string[] {
  return [...new Set([...text])].filter((ch) => ch !== "\n" && !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
}

/**
 * A TrueType font holding only the glyphs of `text` (deterministic for the same characters), made with
 * HarfBuzz's subsetter (`subset-font`): a complete font (cmap, metrics, names) that browsers accept.
 */
export async function subsetFont(text: string): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const subset = require("subset-font") as (font: Buffer, text: string, options: { targetFormat: "truetype" }) => Promise<Buffer>;
  const chars = [...new Set([...text])].filter((ch) => ch !== "\n").sort().join("");
  return subset(readFileSync(fontFile()), chars, { targetFormat: "truetype" });
}

function fontFile(): string {
  return require.resolve("@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff");
}
