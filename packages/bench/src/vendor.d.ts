// make-fetch-happen ships no types: the part the benchmark uses.
declare module 'make-fetch-happen' {
  interface MakeFetchHappen {
    (url: string, init?: Record<string, unknown>): Promise<Response>;
    defaults(options: { cachePath: string; [name: string]: unknown }): MakeFetchHappen;
  }
  const fetch: MakeFetchHappen;
  export default fetch;
}
