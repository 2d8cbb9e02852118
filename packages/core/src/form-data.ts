/**
 * A spec `FormData` as the key sees it: its fields in order, as a deterministic multipart text (the
 * boundary a client sends is random, so the body as sent would never match twice).
 * @module
 */

/** A spec FormData: the global one, or another implementation of the same interface (not a `form-data` stream). */
export interface FormDataLike {
  entries(): Iterable<[string, string | (Blob & { name?: string })]>;
}

const encoder = new TextEncoder();

/** Whether `value` is a spec FormData (the global one, or one tagged `FormData` that is not a stream). */
export function isSpecFormData(value: unknown): value is FormDataLike {
  if (value instanceof FormData) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<FormDataLike> & { [Symbol.toStringTag]?: unknown; pipe?: unknown };
  return (
    candidate[Symbol.toStringTag] === 'FormData' &&
    typeof candidate.entries === 'function' &&
    candidate.pipe === undefined
  );
}

/**
 * The fields of `form` as one multipart text with the fixed boundary `reqcache`: each field's name, and
 * for a file its name, type and bytes. Two forms with the same fields give the same bytes.
 */
export async function formDataText(form: FormDataLike): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parts.push(encoder.encode(`--reqcache\r\nname=${JSON.stringify(name)}\r\n\r\n${value}\r\n`));
    } else {
      const head = `--reqcache\r\nname=${JSON.stringify(name)}; filename=${JSON.stringify(value.name ?? '')}; type=${JSON.stringify(value.type)}\r\n\r\n`;
      parts.push(encoder.encode(head), new Uint8Array(await value.arrayBuffer()), encoder.encode('\r\n'));
    }
  }
  parts.push(encoder.encode('--reqcache--'));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
