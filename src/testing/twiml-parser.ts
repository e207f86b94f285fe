/**
 * A small strict XML parser for TwiML in tests: elements, attributes, text, the five predefined
 * entities and numeric character references. It throws on anything malformed (unclosed or mismatched
 * tags, stray `<`, unknown entities, text outside the root), so a test fails on TwiML Twilio would
 * reject as invalid XML (error 12100). No DTDs, comments or CDATA: TwiML this server writes has none.
 */

export interface TwimlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly TwimlElement[];
  /** The element's own text (children's text excluded), entities decoded, trimmed. */
  readonly text: string;
}

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (match, entity: string | undefined) => {
    if (entity === undefined) throw new Error('TwiML: bare & in text');
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const value = entities[entity];
    if (value === undefined) throw new Error(`TwiML: unknown entity ${match}`);
    return value;
  });
}

interface Building {
  name: string;
  attributes: Record<string, string>;
  children: TwimlElement[];
  text: string;
}

const tagPattern = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const attributePattern = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;

/** Parses a TwiML document (optionally starting with an XML declaration) into its root element. */
export function parseTwiml(xml: string): TwimlElement {
  let rest = xml.trim().replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: Building[] = [];
  let root: TwimlElement | undefined;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text.trim() !== '') {
      const open = stack.at(-1);
      if (!open) throw new Error('TwiML: text outside the root element');
      open.text += decode(text);
    }
    if (lt === -1) break;
    rest = rest.slice(lt);
    tagPattern.lastIndex = 0;
    const tag = tagPattern.exec(rest);
    if (!tag) throw new Error(`TwiML: malformed tag near ${rest.slice(0, 40)}`);
    rest = rest.slice(tag[0].length);
    const [, closing, name = '', attributeText = '', selfClosing] = tag;
    if (closing === '/') {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`TwiML: </${name}> does not close <${open?.name ?? 'nothing'}>`);
      const element: TwimlElement = { name: open.name, attributes: open.attributes, children: open.children, text: open.text.trim() };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else root = element;
      continue;
    }
    if (root !== undefined) throw new Error('TwiML: more than one root element');
    const attributes: Record<string, string> = {};
    for (const [, key = '', double, single] of attributeText.matchAll(attributePattern)) {
      if (key in attributes) throw new Error(`TwiML: attribute ${key} repeated`);
      attributes[key] = decode(double ?? single ?? '');
    }
    const building: Building = { name, attributes, children: [], text: '' };
    if (selfClosing === '/') {
      const element: TwimlElement = { name, attributes, children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else root = element;
    } else {
      stack.push(building);
    }
  }
  if (stack.length > 0) throw new Error(`TwiML: <${stack.at(-1)?.name ?? ''}> is never closed`);
  if (!root) throw new Error('TwiML: no root element');
  return root;
}

/** The children of `element` named `name`. */
export function childrenNamed(element: TwimlElement, name: string): TwimlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** What a `<Response><Connect><Stream>` says: the stream URL and its `<Parameter>`s; throws if the document is anything else. */
export function connectStreamOf(xml: string): { readonly url: string; readonly parameters: Readonly<Record<string, string>> } {
  const response = parseTwiml(xml);
  if (response.name !== 'Response' || response.children.length !== 1) throw new Error('TwiML: expected a Response with one verb');
  const [connect] = response.children;
  if (connect?.name !== 'Connect' || connect.children.length !== 1) throw new Error('TwiML: expected <Connect> with one <Stream>');
  const [stream] = connect.children;
  const url = stream?.attributes.url;
  if (stream?.name !== 'Stream' || url === undefined) throw new Error('TwiML: expected <Stream url>');
  const parameters: Record<string, string> = {};
  for (const parameter of stream.children) {
    const { name, value } = parameter.attributes;
    if (parameter.name !== 'Parameter' || name === undefined || value === undefined) throw new Error('TwiML: <Stream> may hold only <Parameter name value>');
    parameters[name] = value;
  }
  return { url, parameters };
}
