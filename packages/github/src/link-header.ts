/**
 * The `rel="next"` URL of a `Link` header, as GitHub sends it for pagination
 * (`<https://api.github.com/repositories/1/commits?page=2>; rel="next", <…>; rel="last"`).
 */
export function parseNextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const link of header.split(',')) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (!match?.[1]) continue;
    const rels = (match[2] ?? '')
      .split(';')
      .map((attribute) => /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(attribute)?.[1])
      .flatMap((value) => value?.toLowerCase().split(/\s+/) ?? []);
    if (rels.includes('next')) return match[1];
  }
  return undefined;
}
