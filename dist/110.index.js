export const id = 110;
export const ids = [110];
export const modules = {

/***/ 3110:
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
// EXTERNAL MODULE: ./src/registry/index.ts + 1 modules
var registry = __webpack_require__(7829);
;// CONCATENATED MODULE: ./src/dockerfile/expand.ts
// Variable expansion in a FROM line, as BuildKit's shell lexer does it (moby/buildkit
// frontend/dockerfile/shell/lex.go, ProcessWord): quotes are removed, the escape character quotes
// the next character, and `$NAME`, `${NAME}` and `${NAME<op>word}` are replaced. Pure.
/** A FROM line that cannot be expanded; the message is the reason shown to the user. */
class ExpandError extends Error {
}
// Nested `${…:-${…}}` deeper than this is refused rather than recursed into.
const MAX_DEPTH = 8;
// Longest expansion: ARGs that repeat one another could otherwise double at each step.
const MAX_CHARS = 8192;
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
    /** Reads up to `stop` (a `}` closing an operator's word) or the end. */
    word(stop, depth) {
        let out = '';
        while (this.i < this.text.length) {
            const ch = this.text[this.i];
            if (ch === stop)
                return out;
            if (ch === this.escape) {
                this.i++;
                // A trailing escape character stands for itself.
                out += this.i < this.text.length ? this.text[this.i++] : ch;
            }
            else if (ch === "'") {
                out += this.singleQuoted();
            }
            else if (ch === '"') {
                out += this.doubleQuoted(depth);
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
    doubleQuoted(depth) {
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
                    out += next;
                    this.i += 2;
                    continue;
                }
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
        const value = this.vars.get(name);
        if (op === '/' || op === '//') {
            throw new ExpandError(`\`\${${name}${op}…}\` (pattern replacement) is not supported here`);
        }
        const word = this.word('}', depth + 1);
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
            default:
                if (value === undefined)
                    this.unset.add(name);
                return trim(value ?? '', op, word);
        }
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
// `#`/`##` drop the shortest/longest matching prefix, `%`/`%%` the suffix; `*` and `?` are globs.
function trim(value, op, pattern) {
    const cuts = [...Array(value.length + 1).keys()];
    if (op === '#' || op === '##') {
        const ends = op === '#' ? cuts : cuts.reverse();
        const end = ends.find((n) => globMatch(value.slice(0, n), pattern));
        return end === undefined ? value : value.slice(end);
    }
    const starts = op === '%' ? cuts.reverse() : cuts;
    const start = starts.find((n) => globMatch(value.slice(n), pattern));
    return start === undefined ? value : value.slice(0, start);
}
/** Whole-string glob match (`*` any run, `?` one character), linear backtracking, no regexp. */
function globMatch(text, pattern) {
    let t = 0;
    let p = 0;
    let star = -1;
    let mark = 0;
    while (t < text.length) {
        if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
            t++;
            p++;
        }
        else if (p < pattern.length && pattern[p] === '*') {
            star = p++;
            mark = t;
        }
        else if (star >= 0) {
            p = star + 1;
            t = ++mark;
        }
        else {
            return false;
        }
    }
    while (pattern[p] === '*')
        p++;
    return p === pattern.length;
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
    const dockerfile = main.DockerfileParser.parse(text.replace(/^\uFEFF/, ''));
    const escape = dockerfile.getEscapeCharacter();
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
                catch {
                    // A default that cannot be expanded leaves the ARG unset; a FROM using it says so.
                    vars.delete(name);
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
