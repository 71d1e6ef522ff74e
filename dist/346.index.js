export const id = 346;
export const ids = [346];
export const modules = {

/***/ 1346:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readDockerfiles: () => (/* binding */ readDockerfiles)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/limits.ts
var limits = __webpack_require__(351);
// EXTERNAL MODULE: ./src/files/paths.ts
var paths = __webpack_require__(7099);
// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __webpack_require__(8390);
// EXTERNAL MODULE: ./src/policy/glob.ts
var glob = __webpack_require__(4062);
;// CONCATENATED MODULE: ./src/dockerfile/buildkit-agreement.ts

/** Why BuildKit could read `source` otherwise than `dockerfile` (escape `escape`); undefined if not. */
function unlikeBuildkit(source, dockerfile, escape) {
    const buildkit = buildkitEscape(source);
    if (buildkit !== escape) {
        return `its parser directives set the escape character to ${JSON.stringify(buildkit)} for BuildKit and ${JSON.stringify(escape)} for the gate's parser`;
    }
    // BuildKit ends lines at \n only; dockerfile-ast at a lone \r as well.
    if (/\r(?!\n)/.test(source))
        return 'it has a carriage return that does not end a line';
    const lines = source.split('\n').map((line) => line.replace(/\r$/, ''));
    // BuildKit's continuation is an escape not itself escaped (`([^\\])\\[ \t]*$`); dockerfile-ast
    // (and older builders) continue after a doubled one too.
    const doubled = lines.findIndex((line) => line.replace(/[ \t]+$/, '').endsWith(escape + escape));
    if (doubled >= 0)
        return `line ${doubled + 1} ends in the escape character twice`;
    const theirs = buildkitInstructions(lines, escape);
    if (typeof theirs === 'string')
        return theirs;
    // BuildKit splits an ARG's words at any Unicode space (line_parsers.go parseWords); dockerfile-
    // ast at spaces and tabs only. A meta ARG (before the first FROM) is what FROM lines expand.
    const firstFrom = theirs.findIndex((i) => i.keyword === 'from');
    const split = theirs
        .slice(0, firstFrom < 0 ? theirs.length : firstFrom)
        .find((i) => i.keyword === 'arg' && OTHER_SPACE.test(i.text));
    if (split !== undefined) {
        return `the ARG at line ${split.line} holds a space other than a space or a tab, where BuildKit splits its words and the gate's parser does not`;
    }
    const ours = dockerfile.getInstructions();
    for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
        const differs = instructionDifference(theirs[i], ours[i]);
        if (differs !== undefined)
            return differs;
    }
    return undefined;
}
const shown = (i) => i === undefined ? 'nothing' : `${i.keyword.toUpperCase()} at line ${i.line}`;
function instructionDifference(theirs, instruction) {
    const heredocs = instruction === undefined ? [] : heredocsOf(instruction);
    const ours = instruction === undefined
        ? undefined
        : {
            line: instruction.getRange().start.line + 1,
            keyword: instruction.getKeyword().toLowerCase(),
            heredocs: heredocs.map((heredoc) => heredoc.getName()),
        };
    if (theirs?.line !== ours?.line || theirs?.keyword !== ours?.keyword) {
        return `BuildKit reads ${shown(theirs)} where the gate's parser reads ${shown(ours)}`;
    }
    const open = heredocs.find((h) => h.getDelimiterRange() === null);
    if (open !== undefined)
        return `the here-document <<${open.getName()} does not end (line ${ours.line})`;
    // The same FROM line must name the same image: a comment line inside its continuation, skipped
    // whole by BuildKit, is read by dockerfile-ast up to its escapes (and the line after).
    if (theirs.from !== undefined && instruction !== undefined) {
        const from = instruction;
        const args = from.getArguments().map((a) => a.getValue());
        if (theirs.from.flags !== from.getFlags().length ||
            theirs.from.args.join('\n') !== args.join('\n')) {
            return `the FROM at line ${theirs.line} names ${JSON.stringify(theirs.from.args.join(' '))} for BuildKit and ${JSON.stringify(args.join(' '))} for the gate's parser`;
        }
    }
    if (theirs.heredocs.join('\n') !== ours.heredocs.join('\n')) {
        const names = (list) => list.map((n) => `<<${n}`).join(' ') || 'none';
        return `line ${theirs.line} opens here-documents ${names(theirs.heredocs)} for BuildKit and ${names(ours.heredocs)} for the gate's parser`;
    }
    return undefined;
}
// ONBUILD RUN <<EOF is a here-document too (BuildKit's canContainHeredoc looks through ONBUILD).
function heredocsOf(instruction) {
    const target = instruction.getKeyword() === 'ONBUILD'
        ? instruction.getTriggerInstruction()
        : instruction;
    if (target === null || !HEREDOC_INSTRUCTIONS.has(target.getKeyword()))
        return [];
    return target.getHeredocs();
}
// unicode.IsSpace, which BuildKit trims lines with (JavaScript's \s differs: it has U+FEFF and
// lacks U+0085): the space, the tab and the line ends, and these others.
const OTHERS = '\\v\\f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[\\t\\n\\r ${OTHERS}]+`);
const OTHER_SPACE = new RegExp(`[${OTHERS}]`);
const trimLeading = (line) => line.replace(LEADING_SPACE, '');
/**
 * The instructions of `lines` as parser.go Parse splits them: an instruction's first line trimmed
 * of leading space; comment and empty lines skipped, also inside a continuation; a continuation
 * is the escape (not itself escaped) at the end of a line; then the here-documents a RUN, COPY or
 * ADD (or ONBUILD of one) opens, each up to its terminator. A message when one does not end.
 */
function buildkitInstructions(lines, escape) {
    const e = (0,glob/* escapeRegExp */.N)(escape);
    const continuation = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
    const escaped = new RegExp(`${e}(.)`, 'g');
    const join = (line) => continuation.test(line) ? [line.replace(continuation, '$1'), false] : [line, true];
    const found = [];
    let i = 0;
    while (i < lines.length) {
        const start = i;
        const first = trimLeading(lines[i++]);
        let [text, ended] = join(first.startsWith('#') ? '' : first);
        if (ended && text === '')
            continue;
        while (!ended && i < lines.length) {
            const next = lines[i++];
            const trimmed = trimLeading(next);
            if (trimmed === '' || trimmed.startsWith('#'))
                continue;
            let more;
            [more, ended] = join(next);
            text += more;
        }
        const words = text.trim().split(/[\t\v\f\r ]+/);
        const keyword = words[0].toLowerCase();
        const opener = keyword === 'onbuild' ? (words[1] ?? '').toLowerCase() : keyword;
        const heredocs = HEREDOC_INSTRUCTIONS.has(opener.toUpperCase()) ? heredocsFromLine(text) : [];
        found.push({
            line: start + 1,
            keyword,
            text,
            heredocs: heredocs.map((h) => h.name),
            ...(keyword === 'from' && { from: fromWords(words.slice(1), escaped) }),
        });
        for (const { name, chomp } of heredocs) {
            for (;;) {
                if (i >= lines.length)
                    return `the here-document <<${name} does not end for BuildKit`;
                const line = lines[i++];
                if ((chomp ? line.replace(/^\t+/, '') : line) === name)
                    break;
            }
        }
    }
    return found;
}
// BuildKit reads here-documents in these instructions only.
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
// parser/directives.go: a line, its leading space trimmed (unicode.IsSpace), matching Go's
// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (Go's \s is [\t\n\f\r ]) with a known name;
// directives end at the first line that is not one.
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
function buildkitEscape(source) {
    for (const line of source.split('\n')) {
        const match = DIRECTIVE.exec(trimLeading(line));
        const name = match?.[1]?.toLowerCase();
        if (name === undefined || !DIRECTIVES.has(name))
            break;
        if (name === 'escape')
            return match[2];
    }
    return '\\';
}
// A FROM's words as BuildKit reads them: leading `--` words are flags (extractBuilderFlags), the
// rest its arguments, each with the escape (`escaped` matches it and the character after) applied,
// as the shell lexer does when the image is expanded.
function fromWords(words, escaped) {
    const flags = words.findIndex((word) => !word.startsWith('--'));
    const first = flags < 0 ? words.length : flags;
    return {
        flags: first,
        args: words
            .slice(first)
            .filter((w) => w !== '')
            .map((word) => word.replace(escaped, '$1')),
    };
}
// parser.go heredocsFromLine: the line's words, quotes and escapes kept (RawQuotes, RawEscapes),
// each matched against ^(\d*)<<(-?)([^<]*)$; the name is the rest unquoted.
function heredocsFromLine(line) {
    return shellWords(line).flatMap((word) => {
        const match = /^\d*<<(-?)([^<]*)$/.exec(word);
        return match === null || match[2] === ''
            ? []
            : [{ name: unquote(match[2]), chomp: match[1] === '-' }];
    });
}
/** Words split at unquoted, unescaped white space; quotes and backslashes kept as written. */
function shellWords(line) {
    const words = [];
    let word;
    let quote;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote === "'") {
            if (c === "'")
                quote = undefined;
        }
        else if (c === '\\' && i + 1 < line.length) {
            word = `${word ?? ''}${c}${line[++i]}`;
            continue;
        }
        else if (quote === '"') {
            if (c === '"')
                quote = undefined;
        }
        else if (c === "'" || c === '"') {
            quote = c;
        }
        else if (/\s/.test(c)) {
            if (word !== undefined)
                words.push(word);
            word = undefined;
            continue;
        }
        word = (word ?? '') + c;
    }
    if (word !== undefined)
        words.push(word);
    return words;
}
/** A word with its quotes removed and its escapes applied, as the shell reads it. */
function unquote(raw) {
    let out = '';
    let quote;
    for (let i = 0; i < raw.length; i++) {
        const c = raw[i];
        if (quote === "'") {
            if (c === "'")
                quote = undefined;
            else
                out += c;
        }
        else if (c === '\\' && i + 1 < raw.length) {
            out += raw[++i];
        }
        else if (quote === '"') {
            if (c === '"')
                quote = undefined;
            else
                out += c;
        }
        else if (c === "'" || c === '"') {
            quote = c;
        }
        else {
            out += c;
        }
    }
    return out;
}

// EXTERNAL MODULE: ./src/registry/index.ts + 1 modules
var registry = __webpack_require__(7829);
;// CONCATENATED MODULE: ./src/dockerfile/expand-error.ts
/** A FROM line that cannot be expanded; the message is the reason shown to the user. */
class ExpandError extends Error {
}

;// CONCATENATED MODULE: ./src/dockerfile/shell-pattern.ts
// BuildKit's shell patterns, as `${V#p}`, `${V%p}`, `${V/p/r}` and `${V//p/r}` use them in a FROM
// line (moby/buildkit frontend/dockerfile/shell/lex.go, convertShellPatternToRegex): `*` any run,
// `?` one character, `\*` `\?` `\\` themselves, `\}` and `\/` the character; no brackets. Matched by
// one pass over the text (no regexp, no backtracking): a pull request writes the Dockerfile.


const MAX_STEPS = limits/* LIMITS */.b.fromPatternSteps;
/** Parses a pattern written with its escapes kept (BuildKit reads patterns with raw escapes). */
function tokens(pattern) {
    const out = [];
    for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i];
        if (ch === '*')
            out.push({ kind: 'star' });
        else if (ch === '?')
            out.push({ kind: 'any' });
        else if (ch !== '\\')
            out.push({ kind: 'char', char: ch });
        else {
            const next = pattern[i + 1];
            // `\}` and `\/` keep `}` and `/` inside `${…}`; the backslash is not part of the pattern.
            if (next === '}' || next === '/')
                continue;
            if (next !== '*' && next !== '?' && next !== '\\') {
                throw new ExpandError(`the pattern ${JSON.stringify(pattern)} has an invalid escape`);
            }
            out.push({ kind: 'char', char: next });
            i++;
        }
    }
    return out;
}
/** Counts the work of one expansion against MAX_STEPS. */
class Budget {
    steps = 0;
    spend(n) {
        this.steps += n;
        if (this.steps > MAX_STEPS) {
            throw new ExpandError('a pattern in it takes too long to match against the value');
        }
    }
}
/**
 * The leftmost match of `pattern` in `text` at or after `from`, and of those the longest (or,
 * with `shortest`, the shortest); `anchored`: only at `from`. For these patterns (fixed-width
 * pieces joined by `*`) that is the match Go's leftmost-first regexp finds with greedy `*` (with
 * lazy `*` for `shortest`). Threads keep the earliest start for each pattern position.
 */
function find(pattern, text, from, options, budget) {
    // Positions reachable without reading a character: a star may match nothing.
    const closure = (p) => {
        const out = [p];
        while (pattern[p]?.kind === 'star')
            out.push(++p);
        return out;
    };
    const keep = (threads, positions, start) => {
        for (const p of positions) {
            const held = threads.get(p);
            if (held === undefined || start < held)
                threads.set(p, start);
        }
    };
    let threads = new Map();
    let best;
    for (let at = from;; at++) {
        if (best === undefined && (at === from || !options.anchored))
            keep(threads, closure(0), at);
        const start = threads.get(pattern.length);
        if (start !== undefined && (best === undefined || start < best[0])) {
            best = [start, at];
            if (options.shortest)
                return best;
        }
        else if (start !== undefined && start === best[0]) {
            best = [start, at];
        }
        if (best !== undefined) {
            for (const [p, s] of threads)
                if (s > best[0])
                    threads.delete(p);
        }
        if (at === text.length || (threads.size === 0 && (best !== undefined || options.anchored))) {
            return best;
        }
        budget.spend(threads.size);
        const ch = text[at];
        const next = new Map();
        for (const [p, s] of threads) {
            const token = pattern[p];
            if (token === undefined)
                continue;
            if (token.kind === 'star')
                keep(next, closure(p), s);
            else if (token.kind === 'any' || token.char === ch)
                keep(next, closure(p + 1), s);
        }
        threads = next;
    }
}
/** `${V#p}` and `${V##p}`: the value without the shortest (longest) prefix `p` matches. */
function trimPrefix(value, pattern, longest) {
    const match = find(tokens(pattern), value, 0, { anchored: true, shortest: !longest }, new Budget());
    return match === undefined ? value : value.slice(match[1]);
}
/** `${V%p}` and `${V%%p}`: as BuildKit, the prefix rule on the reversed value and pattern. */
function trimSuffix(value, pattern, longest) {
    const reversed = [...value].reverse().join('');
    const match = find(tokens(pattern).reverse(), reversed, 0, { anchored: true, shortest: !longest }, new Budget());
    return match === undefined ? value : value.slice(0, value.length - match[1]);
}
/**
 * `${V/p/r}` replaces the first match, `${V//p/r}` every match, as Go's `ReplaceAllString`: after
 * each match the search moves on at least one character, and an empty match right after another
 * is not replaced.
 */
function replacePattern(value, pattern, replacement, all) {
    const parsed = tokens(pattern);
    const budget = new Budget();
    const options = { anchored: false, shortest: false };
    if (!all) {
        const match = find(parsed, value, 0, options, budget);
        return match === undefined
            ? value
            : value.slice(0, match[0]) + replacement + value.slice(match[1]);
    }
    // Go expands `$1`, `${name}` and `$$` in an all-matches replacement; that is not copied here.
    if (replacement.includes('$')) {
        throw new ExpandError('a `$` in the replacement of `${…//…/…}` is not supported here');
    }
    let out = '';
    let lastEnd = 0;
    for (let searchAt = 0; searchAt <= value.length;) {
        const match = find(parsed, value, searchAt, options, budget);
        if (match === undefined)
            break;
        const [start, end] = match;
        out += value.slice(lastEnd, start);
        if (end > lastEnd || start === 0)
            out += replacement;
        // Checked here too: every character replaced by a long replacement would grow without end.
        if (out.length > limits/* LIMITS */.b.fromExpansionChars) {
            throw new ExpandError(`it expands to more than ${limits/* LIMITS */.b.fromExpansionChars} characters`);
        }
        lastEnd = end;
        searchAt = end > searchAt ? end : searchAt + 1;
    }
    return out + value.slice(lastEnd);
}

;// CONCATENATED MODULE: ./src/dockerfile/expand.ts
// Variable expansion in a FROM line, as BuildKit's shell lexer does it (moby/buildkit
// frontend/dockerfile/shell/lex.go, ProcessWord): quotes are removed, the escape character quotes
// the next character, and `$NAME`, `${NAME}` and `${NAME<op>word}` are replaced. Pure.



const MAX_DEPTH = limits/* LIMITS */.b.fromExpansionDepth;
const MAX_CHARS = limits/* LIMITS */.b.fromExpansionChars;
// Sticky: each matches at the lexer's position only.
const NAME = /[A-Za-z_][A-Za-z0-9_]*|[0-9]+/y;
const OPERATOR = /:[-+?]|[-+?]|##|#|%%|%|\/\/|\//y;
/**
 * Expands one word against `vars` (a variable declared without a value is absent). Unset
 * variables expand to nothing, as in BuildKit; their names are returned so a report can say why
 * a reference came out empty.
 */
function expandWord(word, vars, escape = '\\') {
    const lexer = new Lexer(word, vars, escape);
    const value = lexer.word(undefined, 0);
    return { value, unset: [...lexer.unset] };
}
class Lexer {
    text;
    vars;
    escape;
    i = 0;
    unset = new Set();
    constructor(text, vars, escape) {
        this.text = text;
        this.vars = vars;
        this.escape = escape;
    }
    /**
     * Reads up to `stop` (a `}` closing an operator's word, or the `/` ending a replacement's
     * pattern) or the end. `raw`: escapes are kept, as BuildKit reads patterns (shell-pattern.ts).
     */
    word(stop, depth, raw = false) {
        let out = '';
        while (this.i < this.text.length) {
            const ch = this.text[this.i];
            if (ch === stop)
                return out;
            if (ch === this.escape) {
                this.i++;
                // A trailing escape character stands for itself.
                out += this.i < this.text.length ? (raw ? ch : '') + this.text[this.i++] : ch;
            }
            else if (ch === "'") {
                out += this.singleQuoted();
            }
            else if (ch === '"') {
                out += this.doubleQuoted(depth, raw);
            }
            else if (ch === '$') {
                out += this.dollar(depth);
            }
            else {
                out += ch;
                this.i++;
            }
            if (out.length > MAX_CHARS)
                throw new ExpandError(`it expands to more than ${MAX_CHARS} characters`);
        }
        if (stop === '/')
            throw new ExpandError('a `${…/…}` has no `/` after its pattern');
        if (stop !== undefined)
            throw new ExpandError('a `${` has no closing `}`');
        return out;
    }
    singleQuoted() {
        const end = this.text.indexOf("'", this.i + 1);
        if (end < 0)
            throw new ExpandError('a single quote is not closed');
        const inner = this.text.slice(this.i + 1, end);
        this.i = end + 1;
        return inner;
    }
    // Inside double quotes only `$` expands; the escape character quotes `"`, `$` and itself.
    doubleQuoted(depth, raw) {
        this.i++;
        let out = '';
        while (this.i < this.text.length) {
            const ch = this.text[this.i];
            if (ch === '"') {
                this.i++;
                return out;
            }
            if (ch === '$') {
                out += this.dollar(depth);
                continue;
            }
            if (ch === this.escape) {
                const next = this.text[this.i + 1];
                if (next === '"' || next === '$' || next === this.escape) {
                    out += (raw ? ch : '') + next;
                    this.i += 2;
                    continue;
                }
                // Read raw, an escape that quotes nothing is written twice, as BuildKit does.
                if (raw)
                    out += ch;
            }
            out += ch;
            this.i++;
            if (out.length > MAX_CHARS)
                throw new ExpandError(`it expands to more than ${MAX_CHARS} characters`);
        }
        throw new ExpandError('a double quote is not closed');
    }
    dollar(depth) {
        this.i++;
        if (this.text[this.i] === '{') {
            this.i++;
            return this.braced(depth);
        }
        const name = this.name();
        // A `$` not followed by a name is a literal `$`.
        if (name === '')
            return '$';
        return this.lookup(name) ?? '';
    }
    braced(depth) {
        if (depth >= MAX_DEPTH)
            throw new ExpandError(`variables are nested more than ${MAX_DEPTH} deep`);
        const name = this.name();
        if (name === '')
            throw new ExpandError('a `${…}` names no variable');
        OPERATOR.lastIndex = this.i;
        const op = OPERATOR.exec(this.text)?.[0];
        if (this.text[this.i] === '}') {
            this.i++;
            return this.lookup(name) ?? '';
        }
        if (this.i >= this.text.length)
            throw new ExpandError('a `${` has no closing `}`');
        if (op === undefined)
            throw new ExpandError(`\`\${${name}\` is followed by an unknown operator`);
        this.i += op.length;
        if (op === '/' || op === '//')
            return this.replaced(name, op === '//', depth);
        const value = this.vars.get(name);
        // As BuildKit: a trim's pattern keeps its escapes, the other operators' words do not.
        const word = this.word('}', depth + 1, op[0] === '#' || op[0] === '%');
        this.i++; // the closing brace
        const empty = value === undefined || value === '';
        switch (op) {
            case ':-':
                return empty || value === undefined ? word : value;
            case '-':
                return value ?? word;
            case ':+':
                return empty ? '' : word;
            case '+':
                return value === undefined ? '' : word;
            case ':?':
            case '?':
                if (value === undefined || (op === ':?' && empty)) {
                    throw new ExpandError(`${name} is required: ${word || 'it is not set'}`);
                }
                return value;
            case '#':
            case '##':
                if (value === undefined)
                    this.unset.add(name);
                return trimPrefix(value ?? '', word, op === '##');
            default:
                if (value === undefined)
                    this.unset.add(name);
                return trimSuffix(value ?? '', word, op === '%%');
        }
    }
    // `${NAME/pattern/replacement}` (the first match) and `${NAME//pattern/replacement}` (all).
    replaced(name, all, depth) {
        const pattern = this.word('/', depth + 1, true);
        this.i++; // the slash
        const replacement = this.word('}', depth + 1, true);
        this.i++; // the closing brace
        return replacePattern(this.lookup(name) ?? '', pattern, replacement, all);
    }
    name() {
        NAME.lastIndex = this.i;
        const m = NAME.exec(this.text);
        if (m === null)
            return '';
        this.i += m[0].length;
        return m[0];
    }
    lookup(name) {
        const value = this.vars.get(name);
        if (value === undefined)
            this.unset.add(name);
        return value;
    }
}

;// CONCATENATED MODULE: ./src/dockerfile/parse.ts
// The base images of a Dockerfile: every FROM line, its `--platform`, its stage name, and what it
// names once the ARGs before the first FROM (and `build-args`) are substituted. Pure.
//
// dockerfile-ast (the parser behind VS Code's Docker language server) splits the file into
// instructions: parser directives (`# escape=`), line continuations, comments and empty lines
// inside them, heredocs, any case. What a FROM means is BuildKit's, rebuilt here: only the ARGs
// declared before the first FROM are in scope (moby/buildkit dockerfile2llb: "meta args"), a
// `build-args` value replaces a declared ARG's default, the automatic platform ARGs are always
// defined, and a base named like an earlier stage (case-insensitively) is that stage.






/** The automatic platform ARGs (BuildKit defines them in the global scope), from one platform. */
function platformArgs(platform) {
    const [os = '', arch = '', variant = ''] = platform.split('/');
    const args = new Map();
    for (const prefix of ['BUILD', 'TARGET']) {
        args.set(`${prefix}PLATFORM`, platform);
        args.set(`${prefix}OS`, os);
        args.set(`${prefix}ARCH`, arch);
        args.set(`${prefix}VARIANT`, variant);
    }
    return args;
}
// BuildKit's stage name rule (instructions/parse.go), on the lowercased name.
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
/** Every FROM line of `text`, in order. Throws only for a file with no FROM at all. */
function parseDockerfile(text, options) {
    const source = text.replace(/^\uFEFF/, '');
    const dockerfile = main.DockerfileParser.parse(source);
    const escape = dockerfile.getEscapeCharacter();
    // Security: where dockerfile-ast could read lines differently from BuildKit, a FROM BuildKit
    // pulls could hide inside what the parser took for a continued line or a here-document.
    const disagreement = unlikeBuildkit(source, dockerfile, escape);
    if (disagreement !== undefined) {
        throw new ExpandError(`BuildKit could read it differently: ${disagreement}`);
    }
    const vars = metaArgs(dockerfile, options, escape);
    const stages = new Map();
    const froms = dockerfile.getFROMs().map((from, index) => {
        const line = from.getInstructionRange().start.line + 1;
        const args = from.getArguments().map((a) => a.getValue());
        const written = args[0] ?? '';
        const stage = args.length === 3 ? args[2] : undefined;
        const invalid = (problem, expanded = written) => ({
            line,
            index,
            ...(stage !== undefined && { stage }),
            written,
            base: { kind: 'invalid', text: expanded, problem },
        });
        if (args.length === 0)
            return invalid('FROM names no image');
        if (args.length === 2 ||
            args.length > 3 ||
            (args.length === 3 && args[1].toLowerCase() !== 'as')) {
            return invalid('FROM takes an image and an optional `AS name`');
        }
        if (stage !== undefined) {
            if (!STAGE_NAME.test(stage.toLowerCase())) {
                return invalid(`the stage name "${stage}" is not valid`);
            }
            // A later stage may reuse a name; BuildKit refuses duplicates, and so do we.
            if (stages.has(stage.toLowerCase()))
                return invalid(`the stage name "${stage}" is used twice`);
        }
        let platform;
        for (const flag of from.getFlags()) {
            if (flag.getName() !== 'platform')
                return invalid(`FROM has an unknown flag --${flag.getName()}`);
            const value = flag.getValue() ?? '';
            try {
                platform = { written: value, value: expandWord(value, vars, escape).value };
            }
            catch (error) {
                return invalid(`its --platform cannot be expanded: ${(0,errors/* describe */.q0)(error)}`);
            }
        }
        const base = resolveBase(written, vars, escape, stages);
        if (stage !== undefined)
            stages.set(stage.toLowerCase(), index);
        return {
            line,
            index,
            ...(stage !== undefined && { stage }),
            written,
            ...(platform !== undefined && { platform }),
            base,
        };
    });
    if (froms.length === 0)
        throw new ExpandError('it has no FROM instruction');
    return froms;
}
function resolveBase(written, vars, escape, stages) {
    let text;
    let unset;
    try {
        ;
        ({ value: text, unset } = expandWord(written, vars, escape));
    }
    catch (error) {
        return { kind: 'invalid', text: written, problem: `it cannot be expanded: ${(0,errors/* describe */.q0)(error)}` };
    }
    if (text.toLowerCase() === 'scratch')
        return { kind: 'scratch' };
    if (stages.has(text.toLowerCase()))
        return { kind: 'stage', stage: text };
    try {
        const ref = (0,registry/* parseReference */.F2)(text, 'dockerfile');
        return { kind: 'image', text, ref, pinned: ref.digest !== undefined };
    }
    catch (error) {
        const why = (0,errors/* describe */.q0)(error).replace(/^.*? is not a valid image reference: /, '');
        const hint = unset.length > 0
            ? ` (${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set: declare ${unset.length === 1 ? 'it' : 'them'} with ARG before the first FROM, or give ${unset.length === 1 ? 'it' : 'them'} in build-args)`
            : '';
        return {
            kind: 'invalid',
            text,
            problem: `it is not a valid image reference: ${why.replace(/\.$/, '')}${hint}`,
        };
    }
}
/**
 * The variables a FROM line sees: the automatic platform ARGs, then every ARG declared before
 * the first FROM, in order, each default expanded with those before it and replaced by a
 * `build-args` value when one is given. Later ARGs (inside stages) are out of FROM's scope.
 */
function metaArgs(dockerfile, options, escape) {
    const vars = platformArgs(options.platform);
    for (const [name, value] of options.buildArgs)
        if (vars.has(name))
            vars.set(name, value);
    for (const arg of dockerfile.getInitialARGs()) {
        for (const property of arg.getProperties()) {
            const name = property.getName();
            const given = options.buildArgs.get(name);
            const raw = property.getUnescapedValue();
            if (given !== undefined) {
                vars.set(name, given);
            }
            else if (raw !== null) {
                try {
                    vars.set(name, expandWord(raw, vars, escape).value);
                }
                catch (error) {
                    // BuildKit fails the build on a meta ARG it cannot expand. Leaving it unset here would
                    // let `${NAME:-x}` name x where BuildKit, expanding more than this does, names another.
                    throw new ExpandError(`ARG ${name} cannot be expanded: ${(0,errors/* describe */.q0)(error)}`);
                }
            }
            else if (!vars.has(name)) {
                // Declared without a value and not given: unset (`${NAME:-x}` gives x).
                vars.delete(name);
            }
        }
    }
    return vars;
}

;// CONCATENATED MODULE: ./src/dockerfile/read.ts
// Reads the Dockerfiles the `dockerfile` input names, once, when the inputs are parsed.




/**
 * Reads and parses every Dockerfile `patterns` name (paths, globs, or a directory holding a
 * `Dockerfile`). A file that cannot be read, or has no FROM, is an input error (exit 2); a FROM
 * that cannot be used is kept as `invalid` so the report names its line.
 */
function readDockerfiles(patterns, options) {
    const parsed = (0,paths/* expandPaths */.pR)(patterns, 'dockerfile', { directoryFile: 'Dockerfile' }).map((file) => {
        try {
            const text = (0,paths/* utf8 */.As)((0,paths/* readLimited */.tk)(file, limits/* LIMITS */.b.dockerfileBytes), file);
            return { path: file, froms: parseDockerfile(text, options) };
        }
        catch (error) {
            throw new errors/* InputError */.dz(`The \`dockerfile\` input names ${file}, which cannot be used: ${(0,errors/* describe */.q0)(error)}.`, { cause: error });
        }
    });
    // Each FROM may be a registry round trip: a pull request cannot make the gate do thousands.
    const froms = parsed.reduce((n, d) => n + d.froms.length, 0);
    if (froms > limits/* LIMITS */.b.dockerfileFromLines) {
        throw new errors/* InputError */.dz(`The \`dockerfile\` input's files have ${froms} FROM lines; at most ${limits/* LIMITS */.b.dockerfileFromLines} are checked in one run.`);
    }
    return parsed;
}


/***/ })

};
