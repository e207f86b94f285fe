/**
 * A small, strict XML reader for TwiML in tests: elements, double- or single-quoted attributes,
 * text, self-closing tags, the five predefined entities and numeric character references. Anything
 * else (comments, CDATA, a mismatched closing tag, text outside the root) throws, so a test never
 * passes on TwiML Twilio would refuse to parse.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  if (/&(?!#x[0-9a-fA-F]+;|#\d+;|[a-z]+;)/.test(text)) throw new Error(`bare & in ${JSON.stringify(text)}`);
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const known = entities[ref];
    if (known === undefined) throw new Error(`unknown XML entity ${whole}`);
    return known;
  });
}

export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const rest = () => xml.slice(pos);
  const skipDeclaration = () => {
    const match = /^\s*<\?xml[^?]*\?>/.exec(rest());
    if (match) pos += match[0].length;
  };

  function element(): XmlElement {
    const open = /^<([A-Za-z][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(rest());
    if (!open) throw new Error(`expected an element at ${pos}: ${rest().slice(0, 40)}`);
    pos += open[0].length;
    const name = open[1] ?? '';
    const attributes: Record<string, string> = {};
    for (const m of (open[2] ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const key = m[1] ?? '';
      if (key in attributes) throw new Error(`attribute ${key} twice on <${name}>`);
      attributes[key] = decode(m[2] ?? m[3] ?? '');
    }
    if (open[3] === '/') return { name, attributes, children: [] };
    const children: (XmlElement | string)[] = [];
    for (;;) {
      const close = /^<\/([A-Za-z][\w.-]*)\s*>/.exec(rest());
      if (close) {
        if (close[1] !== name) throw new Error(`</${close[1] ?? ''}> closes <${name}>`);
        pos += close[0].length;
        return { name, attributes, children };
      }
      if (rest().startsWith('<!') || rest().startsWith('<?')) throw new Error(`unsupported markup at ${pos}`);
      if (rest().startsWith('<')) {
        children.push(element());
        continue;
      }
      const textEnd = xml.indexOf('<', pos);
      if (textEnd < 0) throw new Error(`<${name}> is never closed`);
      children.push(decode(xml.slice(pos, textEnd)));
      pos = textEnd;
    }
  }

  skipDeclaration();
  pos += (/^\s*/.exec(rest())?.[0] ?? '').length;
  const root = element();
  if (rest().trim() !== '') throw new Error('content after the root element');
  return root;
}

/** The element children of `el`, optionally only those named `name`. */
export function elements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}

/** The text inside `el` and its descendants. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/** Parses TwiML and checks its root is `<Response>`. */
export function parseTwiml(xml: string): XmlElement {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new Error(`TwiML root is <${root.name}>, not <Response>`);
  return root;
}
