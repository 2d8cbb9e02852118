/** Static documents and deterministic data served by the test server. */

/** The `Last-Modified` date `/last-modified` sends unless `?date=` overrides it. */
export const DEFAULT_LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';

/** The fixed document `GET /json` returns (httpbin's sample slide show). */
export const JSON_DOCUMENT = {
  slideshow: {
    author: 'Yours Truly',
    date: 'date of publication',
    slides: [
      { title: 'Wake up to WonderWidgets!', type: 'all' },
      {
        items: ['Why <em>WonderWidgets</em> are great', 'Who <em>buys</em> WonderWidgets'],
        title: 'Overview',
        type: 'all',
      },
    ],
    title: 'Sample Slide Show',
  },
} as const;

export const HTML_DOCUMENT = `<!DOCTYPE html>
<html>
  <head><title>Moby-Dick</title></head>
  <body>
    <h1>Herman Melville - Moby-Dick</h1>
    <p>Call me Ishmael. Some years ago - never mind how long precisely - having little or no money in my purse,
    and nothing particular to interest me on shore, I thought I would sail about a little and see the watery
    part of the world.</p>
  </body>
</html>
`;

export const XML_DOCUMENT = `<?xml version='1.0' encoding='us-ascii'?>
<slideshow title="Sample Slide Show" date="Date of publication" author="Yours Truly">
  <slide type="all"><title>Wake up to WonderWidgets!</title></slide>
  <slide type="all">
    <title>Overview</title>
    <item>Why <em>WonderWidgets</em> are great</item>
    <item>Who <em>buys</em> WonderWidgets</item>
  </slide>
</slideshow>
`;

export const ROBOTS_TXT = 'User-agent: *\nDisallow: /deny\n';

/** Multibyte text (2-, 3- and 4-byte UTF-8 sequences) for `/encoding/utf8`. */
export const UTF8_DOCUMENT = `<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>UTF-8 demo</title></head>
  <body>
    <p>Ünïcödé: café, naïve, Ελληνικά, Русский, 日本語のテキスト, ∮ E⋅da = Q, n → ∞ 🚀</p>
  </body>
</html>
`;

/** A valid 1x1 RGBA PNG. */
export const PNG_IMAGE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** `length` bytes from a mulberry32 generator: the same seed always gives the same bytes. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    bytes[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return bytes;
}
