export const id = 348;
export const ids = [348];
export const modules = {

/***/ 4348:
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
// EXTERNAL MODULE: ./src/util/read-file.ts
var read_file = __webpack_require__(5201);
// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __webpack_require__(8390);
// EXTERNAL MODULE: ./src/policy/glob.ts
var glob = __webpack_require__(4062);
;// CONCATENATED MODULE: ./src/dockerfile/space.ts
// Go's unicode.IsSpace, which BuildKit trims lines with and splits words at. JavaScript's \s
// differs: it has U+FEFF and lacks U+0085.
/** The spaces other than the space, the tab and the line ends, as a character-class body. */
const OTHER_SPACES = '\\v\\f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING = new RegExp(`^[\\t\\n\\r ${OTHER_SPACES}]+`);
const ONE = new RegExp(`^[\\t\\n\\r ${OTHER_SPACES}]$`);
const trimLeading = (line) => line.replace(LEADING, '');
const isSpace = (ch) => ONE.test(ch);

;// CONCATENATED MODULE: ./src/dockerfile/buildkit-words.ts
// The words BuildKit's shell lexer (moby/buildkit frontend/dockerfile/shell/lex.go, ProcessWords
// with no variable set) reads in an instruction, as the Dockerfile parser uses them to find
// here-documents. Frontend versions set different flags, each one a `LexFlags` here. `${…}` is not
// read: its operators changed between versions, and the caller refuses a here-document line
// holding one. No maintained library reads Dockerfile words as BuildKit does outside Go.

const LETTER = /^[\p{L}\p{Nd}_]$/u;
const DIGIT = /^\p{Nd}$/u;
const SPECIAL_PARAMETER = /^[@*#?\-$!0]$/;
const ESCAPE = '\\';
class LexError extends Error {
}
/** A word being built: BuildKit's wordsStruct. */
class Words {
    done = [];
    word = '';
    inWord = false;
    char(ch) {
        if (isSpace(ch)) {
            if (this.inWord && this.word !== '') {
                this.done.push(this.word);
                this.word = '';
                this.inWord = false;
            }
        }
        else {
            this.raw(ch);
        }
    }
    raw(text) {
        this.word += text;
        this.inWord = true;
    }
    split(text) {
        for (const ch of text)
            this.char(ch);
    }
    all() {
        return this.word === '' ? this.done : [...this.done, this.word];
    }
}
/** The words of `line` read with `flags`; undefined where the lexer fails (unclosed quote). */
function lexWords(line, flags) {
    try {
        return new Lexer(line, flags).words();
    }
    catch (error) {
        if (error instanceof LexError)
            return undefined;
        throw error;
    }
}
class Lexer {
    flags;
    chars;
    i = 0;
    constructor(text, flags) {
        this.flags = flags;
        this.chars = Array.from(text);
    }
    words() {
        const words = new Words();
        while (this.i < this.chars.length) {
            const ch = this.chars[this.i];
            if (ch === '$')
                words.split(this.dollar());
            else if (ch === "'")
                words.raw(this.singleQuoted());
            else if (ch === '"')
                words.raw(this.doubleQuoted());
            else if (ch === ESCAPE) {
                this.i++;
                if (this.flags.rawEscapes)
                    words.raw(ch);
                if (this.i >= this.chars.length)
                    break;
                words.raw(this.chars[this.i++]);
            }
            else {
                words.char(ch);
                this.i++;
            }
        }
        return words.all();
    }
    singleQuoted() {
        let out = this.flags.rawQuotes ? "'" : '';
        for (this.i++;;) {
            const ch = this.chars[this.i++];
            if (ch === undefined)
                throw new LexError('a single quote is not closed');
            if (ch === "'")
                return this.flags.rawQuotes ? `${out}'` : out;
            out += ch;
        }
    }
    // Inside double quotes the escape quotes only `"`, `$` and itself; written raw, an escape that
    // quotes nothing is written twice, as BuildKit does.
    doubleQuoted() {
        let out = this.flags.rawQuotes ? '"' : '';
        for (this.i++;;) {
            const ch = this.chars[this.i];
            if (ch === undefined)
                throw new LexError('a double quote is not closed');
            if (ch === '"') {
                this.i++;
                return this.flags.rawQuotes ? `${out}"` : out;
            }
            if (ch === '$') {
                out += this.dollar();
                continue;
            }
            this.i++;
            if (ch === ESCAPE) {
                if (this.flags.rawEscapes)
                    out += ch;
                const next = this.chars[this.i];
                if (next === undefined)
                    continue;
                if (next === '"' || next === '$' || next === ESCAPE) {
                    out += next;
                    this.i++;
                    continue;
                }
            }
            out += ch;
        }
    }
    dollar() {
        this.i++;
        // The caller refuses lines with `${` before lexing them; reaching one is a bug, not a word.
        if (this.chars[this.i] === '{')
            throw new Error('buildkit-words: `${` is not read');
        const name = this.name();
        if (name === '')
            return '$';
        return this.flags.keepVariables ? `$${name}` : '';
    }
    // processName: a run of digits, one special parameter, or letters, digits and underscores.
    name() {
        const first = this.chars[this.i];
        if (first === undefined)
            return '';
        if (DIGIT.test(first))
            return this.run(DIGIT);
        if (SPECIAL_PARAMETER.test(first))
            return this.chars[this.i++];
        return this.run(LETTER);
    }
    run(pattern) {
        let out = '';
        while (this.i < this.chars.length && pattern.test(this.chars[this.i]))
            out += this.chars[this.i++];
        return out;
    }
}

;// CONCATENATED MODULE: ./src/dockerfile/arg-words.ts
// An ARG's names and values as BuildKit reads them (dockerfile/parser line_parsers.go parseWords,
// then instructions/parse.go parseArg): words split at Unicode space outside quotes, quotes and
// escapes kept; each word a name, up to its first `=`, and the raw value after it. A name keeps
// its quotes and escapes (`ARG "A"=x` declares `"A"`); `ARG A b` declares A and b, no values.
// dockerfile-ast reads several of these otherwise, so the gate takes them from here. No library
// reads them as BuildKit does outside Go.

/** The ARGs an instruction declares; `rest` is its text after the keyword. */
function argPairs(rest, escape) {
    return parseWords(rest, escape).map((word) => {
        const cut = word.indexOf('=');
        return cut < 0 ? { name: word } : { name: word.slice(0, cut), value: word.slice(cut + 1) };
    });
}
function parseWords(rest, escape) {
    const chars = Array.from(rest);
    const words = [];
    let word = '';
    let quote;
    let blankOK = false;
    let inWord = false;
    for (let pos = 0; pos < chars.length; pos++) {
        let ch = chars[pos];
        if (!inWord) {
            if (isSpace(ch))
                continue;
            inWord = true;
        }
        if (quote === undefined) {
            if (isSpace(ch)) {
                if (blankOK || word !== '')
                    words.push(word);
                word = '';
                blankOK = false;
                inWord = false;
                continue;
            }
            if (ch === "'" || ch === '"') {
                quote = ch;
                blankOK = true;
            }
            else if (ch === escape) {
                // An escape at the very end is dropped; otherwise it stays, with the character after it.
                if (pos + 1 === chars.length)
                    continue;
                word += ch;
                ch = chars[++pos];
            }
        }
        else if (ch === quote) {
            quote = undefined;
        }
        else if (ch === escape && quote !== "'") {
            if (pos + 1 === chars.length) {
                quote = undefined;
                continue;
            }
            word += ch;
            ch = chars[++pos];
        }
        word += ch;
    }
    if (inWord && (blankOK || word !== ''))
        words.push(word);
    return words;
}

;// CONCATENATED MODULE: ./src/dockerfile/directives.ts
// Parser directives as BuildKit reads them (frontend/dockerfile/parser/directives.go): from the
// top, each line (its leading space trimmed) a comment `name=value` with a name the frontend
// knows, until the first line that is not one. Versions differ in the names they know (`check`
// came later) and in the space they allow after `#` (the newest trims any Unicode space). Pure.

const NAMES = new Set(['syntax', 'escape', 'check']);
const NAMES_BEFORE_CHECK = new Set(['syntax', 'escape']);
/** The newest reading first. */
const DIRECTIVE_READINGS = [
    { known: NAMES, anySpaceAfterMark: true },
    { known: NAMES, anySpaceAfterMark: false },
    { known: NAMES_BEFORE_CHECK, anySpaceAfterMark: true },
    { known: NAMES_BEFORE_CHECK, anySpaceAfterMark: false },
];
// Go's `\s` is [\t\n\f\r ]; `.` (flag s) is any character of the line.
const S = '[\\t\\n\\f\\r ]*';
const DIRECTIVE = new RegExp(`^#${S}([a-zA-Z][a-zA-Z0-9]*)${S}=${S}(.+?)${S}$`, 's');
const AFTER_MARK = new RegExp(`^([a-zA-Z][a-zA-Z0-9]*)${S}=${S}(.+?)${S}$`, 's');
/** The directives of `lines` as `reading` takes them: lower-case names to values, first kept. */
function readDirectives(lines, reading) {
    const found = new Map();
    for (const raw of lines) {
        const line = trimLeading(raw);
        const match = !reading.anySpaceAfterMark
            ? DIRECTIVE.exec(line)
            : line.startsWith('#')
                ? AFTER_MARK.exec(trimLeading(line.slice(1)))
                : null;
        const name = match?.[1]?.toLowerCase();
        // A second directive of one name fails the build; the first is what any reading kept.
        if (name === undefined || !reading.known.has(name) || found.has(name))
            break;
        found.set(name, match[2]);
    }
    return found;
}
// Older frontends looked for `syntax` on every line (`#` or `//`, the last one winning, nothing
// stopping them), so a value on any line of the file is one some frontend could run.
const SPACES = `[\\t\\n\\r ${OTHER_SPACES}]*`;
const SYNTAX = new RegExp(`^(?:#|//)${SPACES}syntax${SPACES}=${SPACES}(.*?)${SPACES}$`, 'is');
/** Every `syntax` value some frontend version could take from `lines`. */
function syntaxValues(lines) {
    return lines.flatMap((line) => {
        const value = SYNTAX.exec(trimLeading(line))?.[1];
        return value === undefined ? [] : [value];
    });
}

;// CONCATENATED MODULE: ./src/dockerfile/flag-pulls.ts
// What an instruction's flags name to pull from: `COPY --from=` (and ADD's, which BuildKit
// refuses) and each `RUN --mount=…,from=`, also under ONBUILD, whose triggers run in every stage
// built FROM this one. The flags are read as BuildKit reads them (dockerfile/parser
// split_command.go extractBuilderFlags, instructions/bflag.go, the mount's CSV), so quotes and
// escapes inside a flag word (`--fr"o"m=`) do not hide one. No library reads them outside Go.

/** The pulls of one instruction, `text` its continuation-joined line. */
function flagPullsOf(text) {
    let [command, rest] = splitCommand(text);
    // ONBUILD's trigger is an instruction of its own (parseSubCommand).
    if (command === 'onbuild')
        [command, rest] = splitCommand(rest);
    if (!['copy', 'add', 'run'].includes(command))
        return [];
    return builderFlags(rest).flatMap((word) => {
        // bflag.go: `--name=value`; a string flag without `=` fails the build.
        const cut = word.indexOf('=');
        if (cut < 0)
            return [];
        const name = word.slice(2, cut).toLowerCase();
        const value = word.slice(cut + 1);
        if (command !== 'run' && name === 'from') {
            return [{ via: `${command.toUpperCase()} --from`, value, index: true }];
        }
        if (command !== 'run' || name !== 'mount')
            return [];
        return (csvFields(value) ?? []).flatMap((field) => {
            const at = field.indexOf('=');
            return at >= 0 && field.slice(0, at).toLowerCase() === 'from'
                ? [{ via: 'RUN --mount from', value: field.slice(at + 1), index: false }]
                : [];
        });
    });
}
/** parser.go splitCommand: an instruction's keyword (lower case) and the rest, split at [\t\v\f\r ]+. */
function splitCommand(text) {
    const match = /^(\S+)[\t\v\f\r ]+(.*)$/s.exec(text.trim());
    return match === null ? [text.trim().toLowerCase(), ''] : [match[1].toLowerCase(), match[2]];
}
/**
 * extractBuilderFlags: the leading words that start with `--`, read byte by byte (a byte is a
 * space when unicode.IsSpace(rune(byte)) is, so 0x85 and 0xA0 are), quotes removed, `\` taking
 * the next byte, a quoted or escaped space inside the word; a lone `--` ends them.
 */
function builderFlags(rest) {
    const bytes = Buffer.from(rest, 'utf8');
    const char = (pos) => String.fromCharCode(bytes[pos]);
    const words = [];
    let word = '';
    let quote;
    let blankOK = false;
    let inWord = false;
    for (let pos = 0; pos <= bytes.length; pos++) {
        const end = pos === bytes.length;
        const ch = end ? '' : char(pos);
        if (!inWord) {
            if (end)
                break;
            if (isSpace(ch))
                continue;
            if (ch !== '-' || pos + 1 === bytes.length || char(pos + 1) !== '-')
                break;
            inWord = true;
        }
        if (end) {
            if (word !== '--' && (blankOK || word !== ''))
                words.push(word);
            break;
        }
        if (quote === undefined) {
            if (isSpace(ch)) {
                if (word === '--')
                    break;
                if (blankOK || word !== '')
                    words.push(word);
                word = '';
                blankOK = false;
                inWord = false;
                continue;
            }
            if (ch === "'" || ch === '"') {
                quote = ch;
                blankOK = true;
                continue;
            }
        }
        else if (ch === quote) {
            quote = undefined;
            continue;
        }
        if (ch === '\\') {
            if (pos + 1 === bytes.length) {
                quote = undefined;
                continue;
            }
            word += char(++pos);
            continue;
        }
        word += ch;
    }
    return words;
}
// encoding/csv Reader.Read of one record: fields split at `,`; a field that starts with `"` is
// quoted (`""` a quote); a quote elsewhere is an error, as is an unclosed one (undefined).
function csvFields(value) {
    const fields = [];
    let i = 0;
    for (;;) {
        let field = '';
        if (value[i] === '"') {
            for (i++;; i++) {
                if (i >= value.length)
                    return undefined;
                if (value[i] === '"') {
                    if (value[i + 1] !== '"')
                        break;
                    i++;
                }
                field += value[i];
            }
            i++;
            if (i < value.length && value[i] !== ',')
                return undefined;
        }
        else {
            const end = value.indexOf(',', i);
            field = value.slice(i, end < 0 ? value.length : end);
            if (field.includes('"'))
                return undefined;
            i = end < 0 ? value.length : end;
        }
        fields.push(field);
        if (i >= value.length)
            return fields;
        i++;
    }
}

;// CONCATENATED MODULE: ./src/dockerfile/buildkit-agreement.ts






/**
 * Each FROM line's arguments, the meta ARGs and the flags that pull images, as BuildKit reads
 * them, raw (escapes and variables as written, for expanding as BuildKit does); or why BuildKit
 * could read `source` otherwise than `dockerfile` (escape `escape`), in any frontend version.
 */
function readAsBuildkit(source, dockerfile, escape) {
    const read = buildkitReading(source, dockerfile, escape);
    if (typeof read === 'string')
        return { problem: read };
    let stage = -1;
    const flagPulls = read.flatMap((instruction) => {
        if (instruction.keyword === 'from')
            stage++;
        return instruction.pulls.map((pull) => ({ ...pull, line: instruction.line, stage }));
    });
    // The ARGs before the first FROM: what FROM lines expand. BuildKit takes leading `--` words off
    // an ARG as flags (byte by byte, quotes and `\` their own way: flag-pulls.ts) and drops them;
    // no ARG needs one, so one that has any is refused rather than read a third way.
    const args = pulls(read)
        .filter((i) => i.keyword === 'arg')
        .map((i) => ({ line: i.line, rest: splitCommand(i.text)[1] }));
    const flagged = args.find((a) => a.rest.trimStart().startsWith('--'));
    if (flagged !== undefined)
        return { problem: `the ARG at line ${flagged.line} has flags` };
    const metaArgs = args.flatMap((a) => argPairs(a.rest, escape));
    return {
        fromArgs: read.flatMap((i) => (i.from === undefined ? [] : [i.from.raw])),
        flagPulls,
        metaArgs,
    };
}
function buildkitReading(source, dockerfile, escape) {
    const lines = source.split('\n').map((line) => line.replace(/\r$/, ''));
    // Versions read directives differently (`# check=` stops older ones; a Unicode space after #).
    const escapes = [
        ...new Set(DIRECTIVE_READINGS.map((r) => readDirectives(lines, r).get('escape') ?? '\\')),
    ];
    if (escapes.length > 1) {
        return `Dockerfile frontend versions read its parser directives differently: the escape character is ${escapes.map((e) => JSON.stringify(e)).join(' or ')}`;
    }
    const buildkit = escapes[0];
    if (buildkit !== escape) {
        return `its parser directives set the escape character to ${JSON.stringify(buildkit)} for BuildKit and ${JSON.stringify(escape)} for the gate's parser`;
    }
    // BuildKit ends lines at \n only; dockerfile-ast at a lone \r as well.
    if (/\r(?!\n)/.test(source))
        return 'it has a carriage return that does not end a line';
    // BuildKit's continuation is an escape not itself escaped (`([^\\])\\[ \t]*$`); dockerfile-ast
    // (and older builders) continue after a doubled one too.
    const doubled = lines.findIndex((line) => line.replace(/[ \t]+$/, '').endsWith(escape + escape));
    if (doubled >= 0)
        return `line ${doubled + 1} ends in the escape character twice`;
    try {
        const current = buildkitInstructions(lines, escape, CURRENT);
        if (typeof current === 'string')
            return current;
        return (parserDifference(current, dockerfile.getInstructions()) ??
            generationDifference(lines, escape, current) ??
            current);
    }
    catch (error) {
        if (error instanceof Unreadable)
            return error.message;
        throw error;
    }
}
function parserDifference(theirs, ours) {
    for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
        const differs = instructionDifference(theirs[i], ours[i]);
        if (differs !== undefined)
            return differs;
    }
    return undefined;
}
function generationDifference(lines, escape, current) {
    for (const generation of OTHER_GENERATIONS) {
        const read = buildkitInstructions(lines, escape, generation);
        // A frontend that cannot read the file builds nothing from it.
        if (typeof read === 'string')
            continue;
        const differs = pullDifference(current, read, generation);
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
/**
 * The instructions of `lines` as parser.go Parse splits them: an instruction's first line trimmed
 * of leading space; comment and empty lines skipped, also inside a continuation; a continuation
 * is the escape (not itself escaped) at the end of a line; then the here-documents a RUN, COPY or
 * ADD (or ONBUILD of one) opens as `generation` reads them, each up to its terminator. A message
 * where that frontend fails the file (a here-document that does not end).
 */
function buildkitInstructions(lines, escape, generation) {
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
        const opener = keyword === 'onbuild' && generation.onbuild ? (words[1] ?? '').toLowerCase() : keyword;
        const heredocs = HEREDOC_INSTRUCTIONS.has(opener.toUpperCase())
            ? generation.heredocs(text, start + 1)
            : [];
        if (typeof heredocs === 'string')
            return heredocs;
        found.push({
            line: start + 1,
            keyword,
            text,
            heredocs: heredocs.map((h) => h.name),
            ...(keyword === 'from' && { from: fromWords(words.slice(1), escaped) }),
            pulls: flagPullsOf(text),
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
/**
 * The instructions that decide what a build pulls: every FROM, the ARGs before the first, and
 * each whose flags name something to pull from.
 */
function pulls(instructions) {
    const first = instructions.findIndex((i) => i.keyword === 'from');
    return instructions.filter((i, k) => i.keyword === 'from' ||
        i.pulls.length > 0 ||
        (i.keyword === 'arg' && (first < 0 || k < first)));
}
function pullDifference(current, other, generation) {
    const ours = pulls(current);
    const theirs = pulls(other);
    for (let k = 0; k < Math.max(ours.length, theirs.length); k++) {
        const [a, b] = [ours[k], theirs[k]];
        if (a?.line !== b?.line || a?.keyword !== b?.keyword) {
            return `${generation.about} read ${shown(b)} where current ones read ${shown(a)}`;
        }
        if (a?.text !== b?.text)
            return `${generation.about} read the ${shown(a)} otherwise`;
    }
    return undefined;
}
/** A file no reading can be trusted for: refused whole. */
class Unreadable extends Error {
}
// `${…}` operators changed between versions, so what one expands to depends on the version
// (buildkit-words.ts does not read them). One without blanks, quotes, escapes or `<`, in a word
// without `<<`, cannot join, split or open a here-document word in any version: it is read as a
// plain variable. Any other makes the line unreadable.
function withoutBraces(text, line) {
    let out = '';
    let from = 0;
    for (let start = text.indexOf('${'); start >= 0; start = text.indexOf('${', from)) {
        let depth = 0;
        let end = start + 1;
        for (; end < text.length; end++) {
            if (text[end] === '{')
                depth++;
            else if (text[end] === '}' && --depth === 0)
                break;
        }
        const span = text.slice(start, end + 1);
        const wordStart = text.slice(0, start).search(/\S*$/);
        const wordEnd = text.slice(end + 1).search(/\s|$/) + end + 1;
        if (end >= text.length ||
            /[\s"'\\<]/.test(span) ||
            text.slice(wordStart, wordEnd).includes('<<')) {
            throw new Unreadable(`line ${line} has a \${…} that Dockerfile frontend versions could read into a here-document differently`);
        }
        out += `${text.slice(from, start)}$_`;
        from = end + 1;
    }
    return out + text.slice(from);
}
// The first frontends with here-documents: the line lexed with quotes kept and variables empty;
// a name of letters and digits, optionally quoted.
const LETTER_NAME = /^(\d*)<<(-?)(['"]?)([a-zA-Z][a-zA-Z0-9]*)(['"]?)$/;
function letterNames(text, line) {
    if (!text.includes('<<'))
        return [];
    const words = lexWords(withoutBraces(text, line), {
        rawQuotes: true,
        rawEscapes: false,
        keepVariables: false,
    });
    const found = [];
    for (const word of words ?? []) {
        const match = LETTER_NAME.exec(word);
        if (match === null)
            continue;
        if (match[3] !== match[5])
            return 'quoted heredoc quotes do not match';
        found.push({ name: match[4], chomp: match[2] === '-' });
    }
    return found;
}
// parser.go heredocsFromLine and heredocFromMatch since: the line lexed with quotes, escapes and
// variables kept; each word matching the opener is a here-document when the rest, lexed again
// with quotes removed, is one word: that word is the name. (The newest lexer also takes a blank
// after << into the word, `<< EOF`; dockerfile-ast opens a here-document there that the current
// reading does not, so the parser comparison refuses such a line before the generations.)
const OPENER = /^(\d*)<<(-?)([^<]*)$/;
function anyNames(text, line) {
    if (!text.includes('<<'))
        return [];
    const plain = withoutBraces(text, line);
    const found = [];
    const flags = (rawQuotes, rawEscapes) => ({
        rawQuotes,
        rawEscapes,
        keepVariables: true,
    });
    for (const word of lexWords(plain, flags(true, true)) ?? []) {
        const match = OPENER.exec(word);
        const rest = match?.[3];
        if (rest === undefined || rest === '')
            continue;
        const unquoted = lexWords(rest, flags(false, false));
        if (unquoted === undefined)
            return `the here-document word ${rest} cannot be read`;
        if (unquoted.length !== 1)
            continue;
        if (lexWords(rest, flags(true, false))?.length !== 1)
            return `the here-document word ${rest} is read inconsistently`;
        found.push({ name: unquoted[0], chomp: match[2] === '-' });
    }
    return found;
}
const CURRENT = {
    about: 'current Dockerfile frontends',
    heredocs: anyNames,
    onbuild: true,
};
// The most specific first, so a message names the frontends that differ.
const OTHER_GENERATIONS = [
    {
        about: 'frontends without here-documents under ONBUILD',
        heredocs: anyNames,
        onbuild: false,
    },
    {
        about: 'the first frontends with here-documents (names of letters and digits)',
        heredocs: letterNames,
        onbuild: false,
    },
    {
        about: 'Dockerfile frontends before 1.4 (no here-documents)',
        heredocs: () => [],
        onbuild: false,
    },
];
// BuildKit reads here-documents in these instructions only.
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
// A FROM's words as BuildKit reads them: leading `--` words are flags (extractBuilderFlags), the
// rest its arguments, as written (`raw`) and with the escape (`escaped` matches it and the
// character after) applied, as the shell lexer does when the image is expanded.
function fromWords(words, escaped) {
    const flags = words.findIndex((word) => !word.startsWith('--'));
    const first = flags < 0 ? words.length : flags;
    const raw = words.slice(first).filter((w) => w !== '');
    return { flags: first, args: raw.map((word) => word.replace(escaped, '$1')), raw };
}

// EXTERNAL MODULE: ./src/registry/index.ts + 1 modules
var registry = __webpack_require__(7829);
;// CONCATENATED MODULE: ./src/dockerfile/frontend.ts
// The frontend a Dockerfile names: `# syntax=<image>` (or `// syntax=`; older frontends read it on
// any line: directives.ts), or a `BUILDKIT_SYNTAX` build argument, which wins. BuildKit pulls that
// image and runs it to read the file, so it decides what every FROM line pulls. The gate reads
// Dockerfiles as Docker's own frontend does, in every version (buildkit-agreement.ts), and
// refuses a file that names any other: its FROM lines could mean anything. Pure.


// Docker's Dockerfile frontend, released and built from BuildKit's main branch.
const DOCKER_FRONTENDS = new Set([
    'docker.io/docker/dockerfile',
    'docker.io/docker/dockerfile-upstream',
]);
/** Why the gate cannot read a Dockerfile as its frontend would; undefined for Docker's (or none). */
function foreignFrontend(source, buildArgs) {
    // Frontends before BuildKit 0.11 copy files with a helper image, docker/dockerfile-copy, when
    // told to (Go's strconv.ParseBool): a pull no FROM line names.
    if (/^(1|t|true)$/i.test(buildArgs.get('BUILDKIT_DISABLE_FILEOP') ?? '')) {
        return 'its build-args set BUILDKIT_DISABLE_FILEOP, which makes older frontends pull a helper image (docker/dockerfile-copy) for every COPY, which the gate does not check';
    }
    const given = buildArgs.get('BUILDKIT_SYNTAX');
    const named = given === undefined
        ? syntaxValues(source.split('\n').map((line) => line.replace(/\r$/, '')))
        : [given];
    for (const value of named) {
        // BuildKit runs the first word; the rest is the frontend's command line.
        const image = value.trim().split(' ')[0] ?? '';
        let name;
        let tag;
        try {
            const ref = (0,registry/* parseReference */.F2)(image, 'syntax');
            name = `${ref.registry}/${ref.repository}`;
            tag = ref.tag;
        }
        catch {
            return `its syntax directive names ${JSON.stringify(image)}, which is not an image reference`;
        }
        if (!DOCKER_FRONTENDS.has(name)) {
            return `it names the frontend ${image}, an image BuildKit pulls and runs to read the file (it decides what each FROM pulls); the gate reads Dockerfiles only as Docker's own frontend, docker/dockerfile, does`;
        }
        // Before file operations (1.1), the frontend copied files with a helper image it pulled.
        if (tag !== undefined && /^(0\.|1\.0($|[.-])|(1\.0-)?experimental$)/.test(tag)) {
            return `it names the frontend ${image}, which copies files with a helper image (docker/dockerfile-copy) that the gate does not check`;
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/dockerfile/expand-error.ts
/** A FROM line that cannot be expanded, or a Dockerfile the gate cannot read as BuildKit would. */
class ExpandError extends Error {
}
/**
 * One the gate does not expand (its own bounds, a form it does not read) where BuildKit may:
 * never taken for a frontend that fails the build.
 */
class BeyondGate extends ExpandError {
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
            throw new BeyondGate('a pattern in it takes too long to match against the value');
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
        throw new BeyondGate('a `$` in the replacement of `${…//…/…}` is not supported here');
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
            throw new BeyondGate(`it expands to more than ${limits/* LIMITS */.b.fromExpansionChars} characters`);
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
// Sticky: each matches at the lexer's position only. A name as lex.go processName reads it: a run
// of digits, one special parameter (`$@`, `$#`, …), or Unicode letters, digits and underscores.
const NAME = /\p{Nd}+|[@*#?\-$!]|[\p{L}\p{Nd}_]+/uy;
const OPERATOR = /:[-+?]|[-+?]|##|#|%%|%|\/\/|\//y;
// Older lexers: one digit names a positional variable (`$12` is `$1` then 2), and only `:-` and
// `:+` follow a name in braces.
const OLDER_NAME = /\p{Nd}|[@*#?\-$!]|[\p{L}\p{Nd}_]+/uy;
const OLDER_OPERATORS = new Set([':-', ':+']);
/**
 * Expands one word against `vars` (a variable declared without a value is absent). Unset
 * variables expand to nothing, as in BuildKit; their names are returned so a report can say why
 * a reference came out empty. `older`: as frontends before 2023 did.
 */
function expandWord(word, vars, escape = '\\', older = false) {
    const lexer = new expand_Lexer(word, vars, escape, older);
    const value = lexer.word(undefined, 0);
    return { value, unset: [...lexer.unset], read: [...lexer.read] };
}
class expand_Lexer {
    text;
    vars;
    escape;
    older;
    i = 0;
    unset = new Set();
    read = new Set();
    constructor(text, vars, escape, older) {
        this.text = text;
        this.vars = vars;
        this.escape = escape;
        this.older = older;
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
                throw new BeyondGate(`it expands to more than ${MAX_CHARS} characters`);
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
                throw new BeyondGate(`it expands to more than ${MAX_CHARS} characters`);
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
            throw new BeyondGate(`variables are nested more than ${MAX_DEPTH} deep`);
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
        if (op === undefined || (this.older && !OLDER_OPERATORS.has(op))) {
            throw new ExpandError(`\`\${${name}\` is followed by an unknown operator`);
        }
        this.i += op.length;
        if (op === '/' || op === '//')
            return this.replaced(name, op === '//', depth);
        const value = this.vars.get(name);
        this.read.add(name);
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
        const pattern = this.older ? OLDER_NAME : NAME;
        pattern.lastIndex = this.i;
        const m = pattern.exec(this.text);
        if (m === null)
            return '';
        this.i += m[0].length;
        return m[0];
    }
    lookup(name) {
        this.read.add(name);
        const value = this.vars.get(name);
        if (value === undefined)
            this.unset.add(name);
        return value;
    }
}

;// CONCATENATED MODULE: ./src/dockerfile/parse.ts
// The base images of a Dockerfile: every FROM line, its `--platform`, its stage name, and what it
// names once the ARGs before the first FROM (and `build-args`) are substituted; and the images
// `COPY --from` and `RUN --mount …,from=` pull. Pure.
//
// dockerfile-ast (the parser behind VS Code's Docker language server) splits the file into
// instructions: parser directives (`# escape=`), line continuations, comments and empty lines
// inside them, heredocs, any case. What a FROM means is BuildKit's, rebuilt here: only the ARGs
// declared before the first FROM are in scope (moby/buildkit dockerfile2llb: "meta args"), a
// `build-args` value replaces a declared ARG's default, the automatic platform ARGs are always
// defined, and a base named like an earlier stage (case-insensitively) is that stage.







/** One family (BUILD or TARGET) of the automatic platform ARGs BuildKit defines, from a platform. */
function platformFamily(prefix, platform) {
    const [os = '', arch = '', variant = ''] = platform.split('/');
    return [
        [`${prefix}PLATFORM`, platform],
        [`${prefix}OS`, os],
        [`${prefix}ARCH`, arch],
        [`${prefix}VARIANT`, variant],
    ];
}
const BUILD_FAMILY = /^BUILD(?:PLATFORM|OS|ARCH|VARIANT)$/;
// BuildKit's stage name rule (instructions/parse.go), on the lowercased name.
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
/**
 * Every FROM line of `text`, in order, then every image a `--from` pulls (FromLine.via). Throws
 * for a file no frontend version can be trusted to read as the gate does, or with no FROM at all.
 */
function parseDockerfile(text, options) {
    const source = text.replace(/^\uFEFF/, '');
    const frontend = foreignFrontend(source, options.buildArgs);
    if (frontend !== undefined)
        throw new ExpandError(frontend);
    const dockerfile = main.DockerfileParser.parse(source);
    const escape = dockerfile.getEscapeCharacter();
    // Security: where dockerfile-ast could read lines differently from BuildKit, a FROM BuildKit
    // pulls could hide inside what the parser took for a continued line or a here-document.
    const buildkit = readAsBuildkit(source, dockerfile, escape);
    if ('problem' in buildkit) {
        throw new ExpandError(`BuildKit could read it differently: ${buildkit.problem}`);
    }
    const { vars, dependent, guessed } = metaArgs(buildkit.metaArgs, options, escape, 'current');
    const others = otherReadings(buildkit.metaArgs, options, escape, vars);
    const stages = new Map();
    const froms = dockerfile.getFROMs().map((from, index) => {
        const line = from.getInstructionRange().start.line + 1;
        // Security: the words as written, as BuildKit expands them. dockerfile-ast's values have their
        // escapes applied already, and expanding them again turned `${V#\?}` into a wildcard.
        const args = buildkit.fromArgs[index];
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
                const expanded = expandWord(value, vars, escape);
                // Read from TARGETPLATFORM or the like (or an ARG set from one): only the runner's guess.
                const fromGuess = expanded.read.some((name) => guessed.has(name));
                platform = { written: value, value: expanded.value, guessed: fromGuess };
            }
            catch (error) {
                return invalid(`its --platform cannot be expanded: ${(0,errors/* describe */.q0)(error)}`);
            }
        }
        const base = resolveBase(written, vars, escape, stages);
        const differs = base.kind === 'invalid' ? undefined : otherExpansion(written, vars, dependent, others, escape);
        if (differs !== undefined)
            return invalid(differs);
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
    const names = new Map(froms.flatMap((f) => (f.stage === undefined ? [] : [[f.stage.toLowerCase(), f.index]])));
    // A flag naming a stage (or scratch) pulls nothing: only images and unusable values are listed.
    const pulled = buildkit.flagPulls
        .map((pull) => flagBase(pull, froms, names, escape))
        .filter((f) => f.base.kind === 'image' || f.base.kind === 'invalid');
    return [...froms, ...pulled];
}
// Security: BuildKit pulls a `--from` that names no stage (by name or index) like a FROM image.
// Its value is expanded in the stage's own scope, which the gate does not follow, so one holding
// a variable, a quote or an escape is refused rather than guessed.
function flagBase(pull, froms, stages, escape) {
    const stage = froms[pull.stage]?.stage;
    const head = {
        line: pull.line,
        via: pull.via,
        index: Math.max(pull.stage, 0),
        ...(stage !== undefined && { stage }),
        written: pull.value,
    };
    const invalid = (problem) => ({
        ...head,
        base: { kind: 'invalid', text: pull.value, problem },
    });
    if (pull.stage < 0)
        return invalid(`${pull.via} comes before the first FROM`);
    if (pull.value === '')
        return invalid(`${pull.via} names nothing`);
    if (/[$"'`\\]/.test(pull.value) || pull.value.includes(escape)) {
        return invalid(`${pull.via} holds a variable, a quote or an escape: the gate cannot tell what it names`);
    }
    // COPY's value is a stage index when Go's strconv.Atoi reads it (an int, 32 bits on some
    // builds of the frontend); a mount's never is. An index past the last stage fails the build.
    if (pull.index && goInt(pull.value, 32)) {
        return { ...head, base: { kind: 'stage', stage: pull.value } };
    }
    return { ...head, base: resolveBase(pull.value, new Map(), escape, stages) };
}
// Set by the build, not the file: since late 2024 TARGETSTAGE is the stage `--target` builds (or
// the last one), and some builds define the OS version ARGs. Like the platform ARGs, their values
// are not the gate's to know.
const BUILD_SET_ARGS = ['TARGETSTAGE', 'TARGETOSVERSION', 'BUILDOSVERSION'];
function otherReadings(declared, options, escape, current) {
    const read = (generation) => metaArgs(declared, options, escape, generation).vars;
    return [
        { about: 'older ones', vars: read('older'), olderLexer: false },
        { about: 'the oldest ones', vars: read('oldest'), olderLexer: true },
        // The newest read SOURCE_DATE_EPOCH as a number and write it back (`01` becomes `1`).
        { about: 'the newest ones', vars: withEpochNormalised(current), olderLexer: false },
    ];
}
/** Whether Go's strconv reads `text` as a decimal integer of `bits` bits (a sign allowed). */
const goInt = (text, bits) => /^[+-]?\d+$/.test(text) && BigInt.asIntN(bits, BigInt(text)) === BigInt(text);
function withEpochNormalised(vars) {
    const out = new Map(vars);
    const epoch = vars.get('SOURCE_DATE_EPOCH');
    if (epoch !== undefined && goInt(epoch, 64)) {
        out.set('SOURCE_DATE_EPOCH', BigInt(epoch).toString());
    }
    return out;
}
/**
 * Security: the file picks its frontend version, and other versions (or other builds of the file)
 * set meta ARGs otherwise. Each reading must expand the word to the same text. One whose lexer
 * cannot expand it fails the build there, and is skipped; a bound of the gate's own proves
 * nothing, and a text the gate cannot parse as a reference may still be one for BuildKit.
 */
function otherExpansion(written, vars, dependent, others, escape) {
    const { value: current, read } = expandWord(written, vars, escape);
    // A build may make several platforms and targets, and the runner's is a guess: a base that
    // depends on an ARG the build sets, and the build-args do not give, could be another image.
    const through = read.find((name) => dependent.has(name));
    if (through !== undefined) {
        return `it depends on what the build sets (through ${through}): give each platform ARG and TARGETSTAGE it reads in build-args, once for each platform and target the build makes`;
    }
    for (const other of others) {
        let theirs;
        try {
            theirs = expandWord(written, other.vars, escape, other.olderLexer).value;
        }
        catch (error) {
            if (error instanceof BeyondGate) {
                return `it cannot be expanded as ${other.about} would: ${(0,errors/* describe */.q0)(error)}`;
            }
            continue;
        }
        if (theirs !== current) {
            return `Dockerfile frontend versions expand it differently: ${current || '(nothing)'} for current ones, ${theirs || '(nothing)'} for ${other.about}`;
        }
    }
    return undefined;
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
 * Older frontends (before late 2024, moby/buildkit #4856, #5349) set an ARG without a value to "",
 * and one whose default they cannot expand to "" rather than failing; the oldest also had an
 * older lexer (expand.ts).
 */
function metaArgs(declared, options, escape, generation) {
    const vars = new Map([
        ...platformFamily('BUILD', options.platform),
        ...platformFamily('TARGET', options.platform),
    ]);
    // The ARGs the build sets, and then the ARGs set from them. BuildKit replaces each of them
    // with its own build-arg only (TARGETPLATFORM does not set TARGETARCH), so only that clears one.
    const dependent = new Set([...vars.keys(), ...BUILD_SET_ARGS]);
    for (const name of dependent) {
        const given = options.buildArgs.get(name);
        if (given !== undefined) {
            vars.set(name, given);
            dependent.delete(name);
        }
    }
    // Of those, the ones whose value here is a guess: all but the builder's platform (the runner's).
    const guessed = new Set([...dependent].filter((name) => !BUILD_FAMILY.test(name)));
    for (const { name, value: raw } of declared) {
        // instructions/parse.go: an ARG with an empty name fails the build.
        if (name === '')
            throw new ExpandError('an ARG before the first FROM has an empty name');
        const given = options.buildArgs.get(name);
        if (given !== undefined) {
            vars.set(name, given);
            dependent.delete(name);
            guessed.delete(name);
        }
        else if (generation !== 'current') {
            let value = '';
            try {
                value =
                    raw === undefined ? '' : expandWord(raw, vars, escape, generation === 'oldest').value;
            }
            catch (error) {
                // Older frontends set a default they could not expand to ""; one the gate cannot expand
                // may be something else for them.
                if (error instanceof BeyondGate) {
                    throw new ExpandError(`ARG ${name} cannot be expanded: ${(0,errors/* describe */.q0)(error)}`);
                }
            }
            vars.set(name, value);
        }
        else if (raw !== undefined) {
            let expanded;
            try {
                expanded = expandWord(raw, vars, escape);
            }
            catch (error) {
                // BuildKit fails the build on a meta ARG it cannot expand. Leaving it unset here would
                // let `${NAME:-x}` name x where BuildKit, expanding more than this does, names another.
                throw new ExpandError(`ARG ${name} cannot be expanded: ${(0,errors/* describe */.q0)(error)}`);
            }
            vars.set(name, expanded.value);
            if (expanded.read.some((read) => dependent.has(read)))
                dependent.add(name);
            else
                dependent.delete(name);
            if (expanded.read.some((read) => guessed.has(read)))
                guessed.add(name);
            else
                guessed.delete(name);
        }
        // Declared without a value and not given: as it was (unset unless automatic).
    }
    return { vars, dependent, guessed };
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
            const text = (0,read_file/* utf8 */.As)((0,read_file/* readLimited */.tk)(file, limits/* LIMITS */.b.dockerfileBytes), file);
            return { path: file, froms: parseDockerfile(text, options) };
        }
        catch (error) {
            throw new errors/* InputError */.dz(`The \`dockerfile\` input names ${file}, which cannot be used: ${(0,errors/* describe */.q0)(error)}.`, { cause: error });
        }
    });
    // Each FROM may be a registry round trip: a pull request cannot make the gate do thousands.
    const froms = parsed.reduce((n, d) => n + d.froms.length, 0);
    if (froms > limits/* LIMITS */.b.dockerfileFromLines) {
        throw new errors/* InputError */.dz(`The \`dockerfile\` input's files have ${froms} FROM lines and --from images; at most ${limits/* LIMITS */.b.dockerfileFromLines} are checked in one run.`);
    }
    return parsed;
}


/***/ })

};
