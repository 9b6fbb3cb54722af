// A small C highlighter for the source panel: comments, strings, preprocessor lines, keywords,
// numbers. Returns the file as lines of tokens, so a comment spanning lines stays a comment.

export type TokenKind = 'comment' | 'string' | 'pre' | 'kw' | 'num' | 'call' | 'text';
export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(
  'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while size_t ssize_t pid_t socklen_t bool'.split(
    ' ',
  ),
);

const TOKEN = /(\/\*[\s\S]*?(?:\*\/|(?![\s\S])))|(\/\/[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(^[ \t]*#[^\n]*)|(\b\d+(?:\.\d+)?\b)|(\b[A-Za-z_]\w*\b)(?=\s*\()|(\b[A-Za-z_]\w*\b)/gm;

export function highlightC(source: string): Token[][] {
  const flat: Token[] = [];
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    const i = m.index ?? 0;
    if (i > last) flat.push({ kind: 'text', text: source.slice(last, i) });
    const [text, comment, lineComment, str, pre, num, call, word] = m;
    let kind: TokenKind = 'text';
    if (comment || lineComment) kind = 'comment';
    else if (str) kind = 'string';
    else if (pre) kind = 'pre';
    else if (num) kind = 'num';
    else if (call) kind = KEYWORDS.has(call) ? 'kw' : 'call';
    else if (word) kind = KEYWORDS.has(word) ? 'kw' : 'text';
    flat.push({ kind, text });
    last = i + text.length;
  }
  if (last < source.length) flat.push({ kind: 'text', text: source.slice(last) });

  const lines: Token[][] = [[]];
  for (const tok of flat) {
    const parts = tok.text.split('\n');
    parts.forEach((part, j) => {
      if (j > 0) lines.push([]);
      if (part) lines[lines.length - 1]!.push({ kind: tok.kind, text: part });
    });
  }
  if (source.endsWith('\n')) lines.pop();
  return lines;
}
