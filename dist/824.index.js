export const id = 824;
export const ids = [824];
export const modules = {

/***/ 824:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  loadPolicyFile: () => (/* binding */ loadPolicyFile)
});

// UNUSED EXPORTS: loadPolicy

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/limits.ts
var limits = __webpack_require__(351);
// EXTERNAL MODULE: ./src/util/read-file.ts
var read_file = __webpack_require__(5201);
// EXTERNAL MODULE: ./src/platforms.ts
var src_platforms = __webpack_require__(9799);
// EXTERNAL MODULE: ./src/verify/identity.ts
var verify_identity = __webpack_require__(8879);
// EXTERNAL MODULE: ./src/policy/images.ts
var policy_images = __webpack_require__(1878);
// EXTERNAL MODULE: ./src/policy/presets.ts
var presets = __webpack_require__(4490);
// EXTERNAL MODULE: ./src/policy/predicate-types.ts
var predicate_types = __webpack_require__(2875);
// EXTERNAL MODULE: ./src/policy/policy-error.ts
var policy_error = __webpack_require__(1781);
// EXTERNAL MODULE: ./node_modules/ajv/dist/ajv.js
var dist_ajv = __webpack_require__(2463);
// EXTERNAL MODULE: ./node_modules/ajv/dist/2020.js
var _2020 = __webpack_require__(2210);
// EXTERNAL MODULE: ./node_modules/re2js/build/index.js
var build = __webpack_require__(2856);
;// CONCATENATED MODULE: ./src/policy/user-schema.ts
// Compiles a policy's JSON Schemas with ajv, when the policy is loaded (compile.ts); evaluating
// a rule only runs the compiled function (rules/schema.ts), so ajv loads only with a policy file.



// A schema's `pattern` runs on predicate text: RE2, as every pattern here, so none backtracks
// without end (T74). RE2 syntax: no lookaround, no back-references.
// ajv caches compiled patterns by their string form, so each must print as its own source.
const re2 = Object.assign((pattern) => {
    const re = build/* RE2JS */.L3.compile(pattern);
    return { test: (text) => re.test(text), toString: () => `/${pattern}/` };
}, { code: 'RE2JS' });
// Strict: a misspelt keyword would otherwise be ignored and let every predicate through.
// `format` stays an annotation (the 2020-12 default); no schema is fetched from the network.
const OPTIONS = {
    code: { regExp: re2 },
    strict: true,
    strictTypes: true,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: false,
};
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const compiled = new WeakMap();
/** Compiles a policy's JSON Schema (2020-12, or draft-07 when it says so); throws when unusable. */
function compileUserSchema(schema) {
    const cached = compiled.get(schema);
    if (cached !== undefined)
        return cached;
    const declared = schema.$schema;
    // A fresh instance per schema, so two schemas with the same `$id` do not collide.
    const ajv = typeof declared === 'string' && DRAFT_07.test(declared)
        ? new dist_ajv.Ajv(OPTIONS)
        : new _2020.Ajv2020(OPTIONS);
    const validate = ajv.compile(schema);
    // Security: an `$async` schema's validator returns a Promise, which is truthy whatever it holds.
    if (validate.$async === true) {
        throw new Error('$async schemas are not supported: a rule must decide at once');
    }
    compiled.set(schema, validate);
    return validate;
}

;// CONCATENATED MODULE: ./src/policy/schemas/policy.schema.json
const policy_schema_namespaceObject = /*#__PURE__*/JSON.parse('{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://raw.githubusercontent.com/supply-chain-gate/supply-chain-gate/main/src/policy/schemas/policy.schema.json","title":"Supply Chain Gate policy","description":"Who must have signed an image and which verified attestations it must carry, with rules on their content. Reference: docs/policy.md.","type":"object","required":["version"],"additionalProperties":false,"properties":{"$schema":{"description":"This schema\'s URL, for editors; ignored by the gate.","type":"string"},"version":{"description":"The policy language version. Only 1 exists.","const":1},"identities":{"description":"Named signer sets. `signature` and each attestation name the sets they accept; any entry of a named set satisfies it.","type":"object","maxProperties":64,"propertyNames":{"$ref":"#/$defs/name"},"additionalProperties":{"$ref":"#/$defs/identitySet"}},"signature":{"description":"An image signature (cosign legacy `.sig`, or a cosign v3 `https://sigstore.dev/cosign/sign/v1` bundle). Omitted: no signature is required; it must be given when `attestations` is empty.","type":"object","required":["identities"],"additionalProperties":false,"properties":{"required":{"description":"false: a missing or mismatched signature is a warning, not a failure.","type":"boolean","default":true},"on":{"$ref":"#/$defs/placement"},"identities":{"$ref":"#/$defs/identityRefs"}}},"attestations":{"description":"Attestations the image must carry, each verified, bound to the digest and signed by one of its identities.","type":"array","maxItems":64,"items":{"$ref":"#/$defs/attestation"}},"images":{"description":"Requirements by image: every entry whose `match` pattern matches an image\'s name (`registry/repository`, e.g. docker.io/library/alpine) applies to it, and all of their requirements must be met. An image that no pattern matches fails, unless `default` is given. With `images`, top-level `signature` and `attestations` are not allowed: put them in the entries and in `default`.","type":"array","minItems":1,"maxItems":64,"items":{"$ref":"#/$defs/imagePolicy"}},"default":{"description":"With `images`: the requirements for images that no pattern matches, and for release files (`subject-path`). Omitted: such a subject fails.","$ref":"#/$defs/requirements"},"platforms":{"description":"Which manifests of a multi-platform image index must meet the requirements: `index` (the index digest only, the default), `all` (every platform manifest, each on its own evidence), or a list of os/arch[/variant] names. The `platforms` input cannot be combined with it.","oneOf":[{"description":"`index` or `all`.","enum":["index","all"]},{"description":"Platform names; a named platform the index lacks fails.","type":"array","minItems":1,"maxItems":64,"items":{"description":"os/arch[/variant], e.g. linux/arm64/v8.","type":"string","pattern":"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$"}}]}},"$defs":{"imagePattern":{"description":"A glob on an image\'s name, `registry/repository` without tag or digest, as docker names it (`alpine` is docker.io/library/alpine): `*` matches any run of characters, `/` included; every other character matches itself. E.g. ghcr.io/acme/*, docker.io/library/*, cgr.dev/chainguard/*.","type":"string","pattern":"^[A-Za-z0-9.*_/:-]{1,255}$"},"imagePolicy":{"description":"The requirements for every image whose name `match` matches.","type":"object","required":["match"],"additionalProperties":false,"properties":{"match":{"description":"One pattern, or a list of them (any one matching applies the entry).","if":{"type":"string"},"then":{"$ref":"#/$defs/imagePattern"},"else":{"type":"array","minItems":1,"maxItems":32,"items":{"$ref":"#/$defs/imagePattern"}}},"signature":{"description":"An image signature (or, for a release file, a signature over it), as the top-level `signature`.","$ref":"#/properties/signature"},"attestations":{"description":"Attestations it must carry, as the top-level `attestations`.","$ref":"#/properties/attestations"}}},"requirements":{"description":"An image signature and attestations, as at the top level of a policy without `images`.","type":"object","additionalProperties":false,"properties":{"signature":{"description":"An image signature (or, for a release file, a signature over it), as the top-level `signature`.","$ref":"#/properties/signature"},"attestations":{"description":"Attestations it must carry, as the top-level `attestations`.","$ref":"#/properties/attestations"}}},"name":{"description":"A name: a letter, then up to 63 letters, digits, `-` or `_`.","type":"string","pattern":"^[A-Za-z][A-Za-z0-9_-]{0,63}$"},"repository":{"description":"A GitHub repository as `owner/repo`.","type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\\\\.\\\\.?$)[A-Za-z0-9._-]{1,100}$"},"workflowPath":{"description":"A workflow file in the repository, e.g. `.github/workflows/release.yml`.","type":"string","pattern":"^\\\\.github/workflows/[^/@\\\\s]+\\\\.ya?ml$"},"calledWorkflow":{"description":"A reusable workflow as `owner/repo/.github/workflows/<file>.yml`.","type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\\\\.\\\\.?/)[A-Za-z0-9._-]{1,100}/\\\\.github/workflows/[^/@\\\\s]+\\\\.ya?ml$"},"glob":{"description":"A glob: `*` matches any run of characters (none included, `/` included); every other character matches itself.","type":"string","pattern":"^\\\\S{1,255}$"},"matcher":{"description":"A string (compared exactly) or `{regexp: \\"…\\"}`: an RE2 pattern matched against the whole value (anchored at both ends).","type":["string","object"],"minLength":1,"maxLength":4096,"required":["regexp"],"additionalProperties":false,"properties":{"regexp":{"description":"An RE2 pattern; it must match the whole value, not a part of it.","type":"string","minLength":1,"maxLength":4096}}},"identitySet":{"description":"Signer identities; any one of them satisfies a requirement that names the set.","type":"array","minItems":1,"maxItems":32,"items":{"$ref":"#/$defs/identity"}},"identityRefs":{"description":"Who may have signed: names of sets under `identities`, or identities written inline. Any one satisfies the requirement.","type":"array","minItems":1,"maxItems":32,"items":{"if":{"type":"string"},"then":{"$ref":"#/$defs/name"},"else":{"$ref":"#/$defs/identity"}}},"identity":{"description":"One signer: a preset (`preset`), a certificate identity (`san`), or the `public-key` input\'s key (`publicKey: true`).","type":"object","if":{"required":["preset"]},"then":{"$ref":"#/$defs/presetIdentity"},"else":{"if":{"required":["publicKey"]},"then":{"$ref":"#/$defs/keyIdentity"},"else":{"$ref":"#/$defs/certificateIdentity"}}},"certificateIdentity":{"description":"A Fulcio certificate identity: the SAN, the OIDC issuer and any GitHub certificate extensions.","type":"object","required":["san"],"$ref":"#/$defs/extensions","properties":{"san":{"description":"The certificate\'s subject alternative name, e.g. https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3.","$ref":"#/$defs/matcher"},"issuer":{"description":"The OIDC issuer. Default: https://token.actions.githubusercontent.com.","$ref":"#/$defs/matcher"}},"unevaluatedProperties":false},"keyIdentity":{"description":"Signed by the key the `public-key` input names.","type":"object","required":["publicKey"],"additionalProperties":false,"properties":{"publicKey":{"description":"true: signed by the key the `public-key` input names.","const":true}}},"presetIdentity":{"description":"A preset: a short form that expands to a SAN pattern, the GitHub Actions issuer and the source repository extension (docs/policy.md shows each expansion).","type":"object","required":["preset"],"properties":{"preset":{"description":"github-workflow: a repository\'s own workflow. reusable-workflow: a workflow another repository calls. slsa-github-generator: SLSA provenance from slsa-github-generator. actions-attest: actions/attest (signs as the calling workflow).","enum":["github-workflow","reusable-workflow","slsa-github-generator","actions-attest"]}},"allOf":[{"if":{"type":"object","properties":{"preset":{"enum":["github-workflow","actions-attest"]}}},"then":{"$ref":"#/$defs/githubWorkflowPreset"}},{"if":{"type":"object","properties":{"preset":{"const":"reusable-workflow"}}},"then":{"$ref":"#/$defs/reusableWorkflowPreset"}},{"if":{"type":"object","properties":{"preset":{"const":"slsa-github-generator"}}},"then":{"$ref":"#/$defs/slsaGeneratorPreset"}}]},"githubWorkflowPreset":{"description":"A workflow of the repository itself signed (github-workflow), or actions/attest ran in it (actions-attest: it signs with the calling workflow\'s identity).","type":"object","required":["preset","repository"],"$ref":"#/$defs/extensions","properties":{"preset":{"description":"github-workflow, or actions-attest (the same identity: actions/attest signs as the calling workflow).","enum":["github-workflow","actions-attest"]},"repository":{"description":"The repository whose workflow signed, `owner/repo`.","$ref":"#/$defs/repository"},"workflow":{"description":"The workflow file that signed. Default: any workflow of the repository.","$ref":"#/$defs/workflowPath"},"ref":{"description":"A glob on the git ref the workflow ran at, e.g. `refs/tags/v*`. Default: any ref.","$ref":"#/$defs/glob"},"sourceRepositoryUri":false},"unevaluatedProperties":false},"reusableWorkflowPreset":{"description":"A reusable workflow signed while another repository\'s workflow called it: the SAN names the called workflow, the source repository extension the caller.","type":"object","required":["preset","workflow","caller"],"$ref":"#/$defs/extensions","properties":{"preset":{"description":"A reusable workflow called from another repository.","const":"reusable-workflow"},"workflow":{"description":"The called workflow, `owner/repo/.github/workflows/<file>.yml`.","$ref":"#/$defs/calledWorkflow"},"ref":{"description":"A glob on the called workflow\'s ref, e.g. `refs/tags/v2.*`. Default: any ref.","$ref":"#/$defs/glob"},"caller":{"description":"The repository whose workflow called it, `owner/repo`.","$ref":"#/$defs/repository"},"sourceRepositoryUri":false},"unevaluatedProperties":false},"slsaGeneratorPreset":{"description":"slsa-framework/slsa-github-generator\'s SLSA 3 generator signed, called from `sourceRepository`.","type":"object","required":["preset","generator","sourceRepository"],"$ref":"#/$defs/extensions","properties":{"preset":{"description":"slsa-framework/slsa-github-generator\'s SLSA 3 generators.","const":"slsa-github-generator"},"generator":{"description":"container (generator_container_slsa3.yml) or generic (generator_generic_slsa3.yml).","enum":["container","generic"]},"sourceRepository":{"description":"The repository that called the generator, `owner/repo`.","$ref":"#/$defs/repository"},"version":{"description":"A glob on the generator\'s release tag, e.g. `v2.*`. Default: `v*`.","$ref":"#/$defs/glob"},"sourceRepositoryUri":false},"unevaluatedProperties":false},"extensions":{"description":"Fulcio\'s GitHub certificate extensions (OID 1.3.6.1.4.1.57264.1.N), each a string (exact) or {regexp}. All given must match.","type":"object","properties":{"buildSignerUri":{"description":"1.9 Build Signer URI: the workflow that signed, https://github.com/<owner>/<repo>/<path>@<ref> (for a reusable workflow, the called one).","$ref":"#/$defs/matcher"},"buildSignerDigest":{"description":"1.10 Build Signer Digest: the commit of the workflow file that signed.","$ref":"#/$defs/matcher"},"runnerEnvironment":{"description":"1.11 Runner Environment: github-hosted or self-hosted.","$ref":"#/$defs/matcher"},"sourceRepositoryUri":{"description":"1.12 Source Repository URI: the repository the run built, https://github.com/<owner>/<repo>.","$ref":"#/$defs/matcher"},"sourceRepositoryDigest":{"description":"1.13 Source Repository Digest: the commit the run built.","$ref":"#/$defs/matcher"},"sourceRepositoryRef":{"description":"1.14 Source Repository Ref: the git ref the run built, e.g. refs/tags/v1.2.3.","$ref":"#/$defs/matcher"},"sourceRepositoryIdentifier":{"description":"1.15 Source Repository Identifier: the repository\'s numeric ID, which survives renames and transfers.","$ref":"#/$defs/matcher"},"sourceRepositoryOwnerUri":{"description":"1.16 Source Repository Owner URI: https://github.com/<owner>.","$ref":"#/$defs/matcher"},"sourceRepositoryOwnerIdentifier":{"description":"1.17 Source Repository Owner Identifier: the owner\'s numeric ID, which survives renames.","$ref":"#/$defs/matcher"},"buildConfigUri":{"description":"1.18 Build Config URI: the top-level (calling) workflow, https://github.com/<owner>/<repo>/<path>@<ref>.","$ref":"#/$defs/matcher"},"buildConfigDigest":{"description":"1.19 Build Config Digest: the commit of the top-level workflow file.","$ref":"#/$defs/matcher"},"buildTrigger":{"description":"1.20 Build Trigger: the event that started the run, e.g. push, release, workflow_dispatch.","$ref":"#/$defs/matcher"},"runInvocationUri":{"description":"1.21 Run Invocation URI: https://github.com/<owner>/<repo>/actions/runs/<id>/attempts/<n>.","$ref":"#/$defs/matcher"},"sourceRepositoryVisibilityAtSigning":{"description":"1.22 Source Repository Visibility At Signing: public, private or internal.","$ref":"#/$defs/matcher"}}},"attestation":{"description":"One attestation the image must carry.","type":"object","required":["type","identities"],"additionalProperties":false,"properties":{"type":{"description":"The predicate type: an alias (slsaprovenance = v0.2 or v1, slsaprovenance02, slsaprovenance1, cyclonedx, spdx, spdxjson, vuln, openvex) or a predicate type URI.","type":"string","minLength":1,"maxLength":2048},"name":{"description":"What the report calls this requirement. Default: `type` as written.","type":"string","minLength":1,"maxLength":100},"required":{"description":"false: a missing attestation, or one that breaks a rule, is a warning, not a failure.","type":"boolean","default":true},"on":{"$ref":"#/$defs/placement"},"identities":{"$ref":"#/$defs/identityRefs"},"rules":{"$ref":"#/$defs/rules"}}},"placement":{"description":"With `platforms` (`all` or a list), on an image index: whose evidence this requirement is judged on. `platforms` (the default): each selected platform manifest\'s; `index`: the index\'s own, e.g. provenance attested on the index only; `both`: the index\'s and each platform\'s. On an image that is not an index, every requirement is judged on the image. `platforms` and `both` need `platforms` to be `all` or a list.","enum":["index","platforms","both"]},"rules":{"description":"Rules on the content of the attestation that satisfied the identity. A rule that cannot be evaluated fails.","type":"object","additionalProperties":false,"minProperties":1,"properties":{"slsa":{"$ref":"#/$defs/slsaRule"},"schema":{"description":"A JSON Schema the predicate must match: a path (relative to the policy file) or an inline schema. Draft 2020-12, or draft-07 when its `$schema` says so; unknown keywords are errors; patterns are RE2; `format` is not checked.","type":["string","object"],"minLength":1,"maxLength":4096,"minProperties":1},"sbom":{"$ref":"#/$defs/sbomRule"},"vulnerabilities":{"$ref":"#/$defs/vulnerabilitiesRule"}}},"slsaRule":{"description":"SLSA provenance v0.2 or v1: who built it, from which repository, ref and commit.","type":"object","additionalProperties":false,"minProperties":1,"properties":{"builderId":{"description":"The builder ID (v0.2 builder.id, v1 runDetails.builder.id): a string (exact) or {regexp}.","$ref":"#/$defs/matcher"},"sourceRepository":{"description":"The GitHub repository built, `owner/repo` (v0.2 invocation.configSource.uri; v1 buildDefinition.externalParameters.workflow.repository, else the first git resolved dependency).","$ref":"#/$defs/repository"},"ref":{"description":"A glob on the git ref built, e.g. `refs/tags/v*`.","$ref":"#/$defs/glob"},"commit":{"description":"The commit built, 40 lowercase hex characters (v0.2 configSource.digest.sha1; v1 the source dependency\'s gitCommit).","$ref":"#/$defs/commit"}}},"sbomRule":{"description":"A CycloneDX (components) or SPDX 2 JSON (packages) document with at least `minComponents` entries.","type":"object","additionalProperties":false,"properties":{"minComponents":{"description":"The fewest components (CycloneDX) or packages (SPDX). Default 1.","type":"integer","minimum":1,"maximum":1000000,"default":1}}},"vulnerabilitiesRule":{"description":"A vulnerability report: cosign\'s vuln predicate with a Trivy or Grype JSON report in scanner.result, or a Trivy or Grype JSON report as the predicate.","type":"object","additionalProperties":false,"minProperties":1,"properties":{"maxSeverity":{"description":"The highest severity allowed: none, low, medium, high or critical. A finding above it fails, and so does one whose severity is unknown (unless this is critical).","enum":["none","low","medium","high","critical"]},"denyCves":{"description":"Vulnerability IDs that must not be reported, e.g. CVE-2024-3094.","type":"array","maxItems":1000,"items":{"$ref":"#/$defs/vulnerabilityId"}},"maxAge":{"description":"How old the scan may be when the gate starts, e.g. 7d (units s, m, h, d, w).","$ref":"#/$defs/duration"},"triage":{"description":"openvex: findings that a verified OpenVEX attestation from the same identities marks not_affected or fixed are accepted.","enum":["openvex"]}}},"commit":{"description":"A git commit: 40 lowercase hex characters.","type":"string","pattern":"^[0-9a-f]{40}$"},"vulnerabilityId":{"description":"A vulnerability ID, e.g. CVE-2024-3094 or GHSA-xxxx-xxxx-xxxx.","type":"string","maxLength":100,"pattern":"^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$"},"duration":{"description":"A duration: a number and a unit, s, m, h, d or w (e.g. 7d).","type":"string","pattern":"^[1-9][0-9]{0,5}[smhdw]$"}}}');
;// CONCATENATED MODULE: ./src/policy/validate.ts


// A JSON import, so ncc bundles the published schema and validation uses exactly that file.


let validator;
/** Checks a parsed policy against the published schema; the first problem is the error. */
function validatePolicy(doc) {
    // Strict: a keyword the schema misspells is an error, never silently ignored.
    validator ??= new _2020.Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(policy_schema_namespaceObject);
    if (validator(doc))
        return doc;
    const [first] = validator.errors ?? [];
    if (first === undefined)
        throw (0,policy_error/* policyError */.n)('', 'does not match the policy schema');
    const { path, problem } = describeError(first);
    throw (0,policy_error/* policyError */.n)(path, problem);
}
// What a pattern in `$defs` stands for, so the message says it in words.
const PATTERN_MEANINGS = {
    name: 'must be a name: a letter, then letters, digits, - or _ (64 at most)',
    repository: 'must be a GitHub repository as owner/repo',
    workflowPath: 'must be a workflow file such as .github/workflows/release.yml',
    calledWorkflow: 'must be a workflow as owner/repo/.github/workflows/<file>.yml',
    glob: 'must be a glob without spaces (255 characters at most)',
    commit: 'must be a commit: 40 lowercase hex characters',
    vulnerabilityId: 'must be a vulnerability ID such as CVE-2024-3094',
    duration: 'must be a duration such as 30m, 12h, 7d or 2w',
    imagePattern: 'must be an image name pattern such as ghcr.io/acme/* (letters, digits, . _ - / : and *)',
};
function describeError(error) {
    const at = error.instancePath;
    const params = error.params;
    switch (error.keyword) {
        case 'required':
            return { path: (0,policy_error/* pointer */.W)(at, String(params['missingProperty'])), problem: 'is required' };
        case 'additionalProperties':
            return {
                path: (0,policy_error/* pointer */.W)(at, String(params['additionalProperty'])),
                problem: 'is not a known field',
            };
        case 'unevaluatedProperties':
            return {
                path: (0,policy_error/* pointer */.W)(at, String(params['unevaluatedProperty'])),
                problem: 'is not a known field here',
            };
        case 'false schema':
            return { path: at, problem: 'is set by the preset, so it cannot be given here' };
        case 'enum':
            return {
                path: at,
                problem: `must be one of ${params['allowedValues'].join(', ')}`,
            };
        case 'const':
            return { path: at, problem: `must be ${JSON.stringify(params['allowedValue'])}` };
        case 'type':
            return { path: at, problem: `must be ${String(params['type']).split(',').join(' or ')}` };
        case 'pattern': {
            const def = /#\/\$defs\/([^/]+)\/pattern$/.exec(error.schemaPath)?.[1] ?? '';
            const path = error.propertyName === undefined ? at : (0,policy_error/* pointer */.W)(at, error.propertyName);
            return { path, problem: PATTERN_MEANINGS[def] ?? error.message ?? 'is not valid' };
        }
        default:
            return { path: at, problem: error.message ?? 'is not valid' };
    }
}

;// CONCATENATED MODULE: ./src/policy/compile.ts









// The schema offers exactly the extensions certificate.ts reads (`satisfies` checks the names).
const EXTENSION_NAMES = Object.keys(policy_schema_namespaceObject.$defs.extensions.properties);
// A scan may be dated this far after the gate started (clocks of different runners differ).
const CLOCK_SKEW_MS = 5 * 60_000;
const UNIT_MS = {
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
};
/**
 * Turns a validated policy into requirements, the same shape the flat inputs produce. Pure but
 * for `readSchema`; every error is an InputError naming the JSON path of the offending field.
 */
function compilePolicy(doc, options) {
    return compilePolicyDocument(doc, options).requirements;
}
/**
 * `compilePolicy`, keeping what `images` and `default` say. With `images`, top-level `signature`
 * and `attestations` are refused (they would be ambiguous next to `default`), and `default`
 * without `images` is refused too.
 */
function compilePolicyDocument(doc, options) {
    const platforms = doc.platforms === undefined
        ? {}
        : {
            platforms: (0,src_platforms/* parsePlatforms */.qA)(typeof doc.platforms === 'string' ? [doc.platforms] : doc.platforms),
        };
    return { ...compileRequirements(doc, options), ...platforms };
}
function compileRequirements(doc, options) {
    const sets = new Map();
    for (const [name, entries] of Object.entries(doc.identities ?? {})) {
        const path = (0,policy_error/* pointer */.W)('', 'identities', name);
        sets.set(name, entries.map((entry, i) => compileIdentity(entry, (0,policy_error/* pointer */.W)(path, i), options.keyed)));
    }
    const signers = (refs, path) => refs.flatMap((ref, i) => {
        if (typeof ref !== 'string')
            return [compileIdentity(ref, (0,policy_error/* pointer */.W)(path, i), options.keyed)];
        const set = sets.get(ref);
        if (set !== undefined)
            return set;
        const defined = [...sets.keys()].join(', ') || 'none';
        throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, i), `names no set under \`identities\` (defined: ${defined})`);
    });
    if (doc.images === undefined) {
        if (doc.default !== undefined) {
            throw (0,policy_error/* policyError */.n)('/default', 'needs `images` (without it, `signature` and `attestations` apply to every subject)');
        }
        return { requirements: requirementsOf(doc, '') };
    }
    for (const field of ['signature', 'attestations']) {
        if (doc[field] !== undefined) {
            throw (0,policy_error/* policyError */.n)(`/${field}`, 'cannot be given with `images`: put it in the `images` entries, and in `default` for images no pattern matches');
        }
    }
    const entries = doc.images.map((entry, i) => {
        const path = (0,policy_error/* pointer */.W)('', 'images', i);
        const patterns = typeof entry.match === 'string' ? [entry.match] : entry.match;
        return {
            match: patterns.map((p, j) => (0,policy_images/* imagePattern */.Ks)(p, typeof entry.match === 'string' ? (0,policy_error/* pointer */.W)(path, 'match') : (0,policy_error/* pointer */.W)(path, 'match', j))),
            requirements: requirementsOf(entry, path),
        };
    });
    const fallback = doc.default === undefined ? undefined : requirementsOf(doc.default, '/default');
    return {
        requirements: fallback ?? [],
        images: { entries, ...(fallback !== undefined && { fallback }) },
    };
    function requirementsOf(section, path) {
        const attestations = section.attestations ?? [];
        // As the flat inputs' `auto`: with no attestation to check, a signature is what is checked.
        if (section.signature === undefined && attestations.length === 0) {
            throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, 'signature'), 'is required when `attestations` is empty');
        }
        const signature = section.signature === undefined
            ? []
            : [
                {
                    name: 'signature',
                    kind: 'signature',
                    predicateTypes: [],
                    identities: signers(section.signature.identities, (0,policy_error/* pointer */.W)(path, 'signature', 'identities')),
                    required: section.signature.required ?? true,
                    ...(section.signature.on !== undefined && { on: section.signature.on }),
                },
            ];
        const requirements = [
            ...signature,
            ...attestations.map((a, i) => compileAttestation(a, (0,policy_error/* pointer */.W)(path, 'attestations', i))),
        ];
        // An empty set is never a pass: with nothing required, an image with no evidence would pass.
        if (!requirements.some((r) => r.required)) {
            throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, signature.length > 0 ? 'signature' : 'attestations'), 'requires nothing: every requirement has `required: false`, so an image with no evidence at all would pass; make one required');
        }
        return requirements;
    }
    function compileAttestation(a, path) {
        const predicateTypes = (0,predicate_types/* predicateTypesOf */.uh)(a.type);
        if (predicateTypes === undefined) {
            throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, 'type'), `must be an alias (${predicate_types/* PREDICATE_ALIASES */.tq.join(', ')}) or a predicate type URI`);
        }
        const rules = a.rules === undefined ? [] : compileRules(a.rules, (0,policy_error/* pointer */.W)(path, 'rules'), options);
        return {
            name: a.name ?? a.type,
            kind: 'attestation',
            predicateTypes,
            identities: signers(a.identities, (0,policy_error/* pointer */.W)(path, 'identities')),
            required: a.required ?? true,
            ...(a.on !== undefined && { on: a.on }),
            ...(rules.length > 0 && { rules }),
        };
    }
}
function compileIdentity(entry, path, keyed) {
    if ('publicKey' in entry) {
        if (!keyed)
            throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, 'publicKey'), 'needs the `public-key` input');
        return { publicKey: true };
    }
    // Security: with a key configured only key signatures verify, so a certificate identity could
    // never match; refusing it says so instead of failing every image.
    if (keyed) {
        const problem = 'is a certificate identity, but `public-key` is set: write `publicKey: true`';
        throw (0,policy_error/* policyError */.n)(path, problem, { code: 'INPUT_CONFLICT' });
    }
    const base = 'preset' in entry
        ? (0,presets/* expandPreset */.o)(entry)
        : {
            subjectAlternativeName: sanMatcher(entry.san, (0,policy_error/* pointer */.W)(path, 'san')),
            issuer: entry.issuer === undefined
                ? { exact: presets/* GITHUB_ACTIONS_ISSUER */.q }
                : matcher(entry.issuer, (0,policy_error/* pointer */.W)(path, 'issuer')),
            github: {},
        };
    const github = { ...base.github };
    for (const name of EXTENSION_NAMES) {
        const given = entry[name];
        if (given !== undefined)
            github[name] = matcher(given, (0,policy_error/* pointer */.W)(path, name));
    }
    const identity = {
        subjectAlternativeName: base.subjectAlternativeName,
        issuer: base.issuer,
        ...(Object.keys(github).length > 0 && { github }),
    };
    if ((0,verify_identity/* acceptsAnyRepository */.O_)(identity)) {
        throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, 'san'), 'matches the workflows of every GitHub repository, or of any owner’s; name the owner and repository in it, or pin sourceRepositoryUri');
    }
    return identity;
}
// As the flat input: a SAN pattern that matches any signer at all is refused.
function sanMatcher(doc, path) {
    const san = matcher(doc, path);
    if ((0,verify_identity/* acceptsAnySigner */.iX)(san)) {
        throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, 'regexp'), 'matches any signer at all; name the repository or workflow that must have signed');
    }
    return san;
}
/** A string is exact; a pattern is compiled now, so a bad one fails before any network. */
function matcher(doc, path) {
    if (typeof doc === 'string')
        return { exact: doc };
    try {
        (0,verify_identity/* compilePattern */.Eb)(doc.regexp, 'regexp');
    }
    catch (error) {
        throw (0,policy_error/* policyError */.n)((0,policy_error/* pointer */.W)(path, 'regexp'), 'is not a valid RE2 regular expression', {
            cause: error,
        });
    }
    return { regexp: doc.regexp };
}
function compileRules(rules, path, options) {
    const compiled = [];
    if (rules.slsa !== undefined) {
        const { builderId, ...rest } = rules.slsa;
        compiled.push({
            rule: 'slsa',
            ...(builderId !== undefined && {
                builderId: matcher(builderId, (0,policy_error/* pointer */.W)(path, 'slsa', 'builderId')),
            }),
            ...rest,
        });
    }
    if (rules.schema !== undefined) {
        compiled.push(schemaRule(rules.schema, (0,policy_error/* pointer */.W)(path, 'schema'), options));
    }
    if (rules.sbom !== undefined) {
        compiled.push({ rule: 'sbom', minComponents: rules.sbom.minComponents ?? 1 });
    }
    if (rules.vulnerabilities !== undefined) {
        compiled.push(vulnerabilitiesRule(rules.vulnerabilities, (0,policy_error/* pointer */.W)(path, 'vulnerabilities'), options.now));
    }
    return compiled;
}
// A file that cannot be used makes the rule fail with the reason (the rest is still reported);
// an inline schema is part of the policy, so a bad one is an input error.
function schemaRule(schema, path, options) {
    if (typeof schema === 'string') {
        const read = options.readSchema(schema);
        if ('problem' in read)
            return { rule: 'schema', source: schema, problem: read.problem };
        try {
            return { rule: 'schema', source: schema, validate: compileUserSchema(read.schema) };
        }
        catch (error) {
            return {
                rule: 'schema',
                source: schema,
                problem: `not a usable JSON Schema: ${(0,errors/* describe */.q0)(error)}`,
            };
        }
    }
    try {
        return { rule: 'schema', source: 'the inline schema', validate: compileUserSchema(schema) };
    }
    catch (error) {
        throw (0,policy_error/* policyError */.n)(path, `is not a usable JSON Schema: ${(0,errors/* describe */.q0)(error)}`, { cause: error });
    }
}
function vulnerabilitiesRule(doc, path, now) {
    const { maxAge, ...rest } = doc;
    // An empty denyCves checks nothing, as if it were absent.
    if (doc.maxSeverity === undefined && !doc.denyCves?.length && maxAge === undefined) {
        throw (0,policy_error/* policyError */.n)(path, 'needs maxSeverity, denyCves or maxAge (triage only narrows them)');
    }
    if (maxAge === undefined)
        return { rule: 'vulnerabilities', ...rest };
    // The schema allows only `<number><unit>`.
    const ms = Number(maxAge.slice(0, -1)) * (UNIT_MS[maxAge.slice(-1)] ?? 0);
    const start = now.getTime();
    return {
        rule: 'vulnerabilities',
        ...rest,
        maxAge: { text: maxAge, notBefore: start - ms, notAfter: start + CLOCK_SKEW_MS },
    };
}

// EXTERNAL MODULE: ./src/util/json-object.ts
var json_object = __webpack_require__(9026);
// EXTERNAL MODULE: ./src/verify/json.ts
var json = __webpack_require__(3239);
;// CONCATENATED MODULE: ./src/policy/load.ts
// Reading the policy file and the schema files it names: the only I/O the policy does. Imported
// by inputs.ts only when the `policy` input is given, so yaml and ajv load only then.









/** A policy or schema file larger than this is refused before it is parsed. */
const MAX_FILE_BYTES = limits/* LIMITS */.b.policyFileBytes;
/** YAML aliases expanded at most; a few repeat a list, many are a "billion laughs" bomb. */
const MAX_YAML_ALIASES = limits/* LIMITS */.b.policyYamlAliases;
/** Reads, parses, validates and compiles the policy file into requirements. */
function loadPolicy(file, options) {
    return loadPolicyFile(file, options).requirements;
}
/** `loadPolicy`, keeping the requirements by image pattern (`images`, `default`). */
function loadPolicyFile(file, options) {
    let text;
    try {
        text = readText(file);
    }
    catch (error) {
        throw fileError(`cannot be read: ${(0,errors/* describe */.q0)(error)}`, error);
    }
    const doc = validatePolicy(/\.json$/i.test(file) ? parseJson(text) : parseYaml(text));
    const schemas = new Map();
    return compilePolicyDocument(doc, {
        ...options,
        // Relative to the policy file; each file is read once, so rules that share it share it.
        readSchema: (relative) => {
            const full = external_node_path_default().resolve(external_node_path_default().dirname(file), relative);
            const read = schemas.get(full) ?? readSchema(full);
            schemas.set(full, read);
            return read;
        },
    });
}
function readSchema(file) {
    try {
        const schema = uniqueJson(readText(file));
        return (0,json_object/* isObject */.G)(schema) ? { schema } : { problem: `${file} is not a JSON object` };
    }
    catch (error) {
        return { problem: `${file} cannot be read as JSON: ${(0,errors/* describe */.q0)(error)}` };
    }
}
/** Reads at most MAX_FILE_BYTES of UTF-8 text; larger files are refused, not truncated. */
function readText(file) {
    return (0,read_file/* utf8 */.As)((0,read_file/* readLimited */.tk)(file, MAX_FILE_BYTES), file);
}
function parseJson(text) {
    try {
        return uniqueJson(text);
    }
    catch (error) {
        throw fileError(`is not valid JSON: ${(0,errors/* describe */.q0)(error)}`, error);
    }
}
// Security: JSON.parse keeps a repeated key's last value, so a second `ref` could quietly widen
// the first; a file that repeats a key is refused, as its YAML form would be.
function uniqueJson(text) {
    (0,json/* scanJson */.Ey)(Buffer.from(text, 'utf8'));
    return JSON.parse(text);
}
// YAML 1.2 core schema only: no custom or language tags (an unknown tag is an error, not a
// string), no merge keys, no duplicate keys, one document.
function parseYaml(text) {
    const doc = dist.parseDocument(text, {
        version: '1.2',
        schema: 'core',
        customTags: [],
        merge: false,
        // Keys are compared as the strings they become: `true:` and `"true":` are one key in JSON.
        uniqueKeys: (a, b) => keyText(a) === keyText(b),
        strict: true,
    });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem !== undefined) {
        const line = problem.message.split('\n')[0]?.replace(/:$/, '') ?? 'unreadable';
        throw fileError(`is not valid YAML: ${line}`);
    }
    // An alias as a key names a key no repeat check sees (`*r : x` beside `&r ref:`): no policy needs one.
    let aliasKey = false;
    dist.visit(doc, {
        Pair: (_, pair) => {
            aliasKey = dist.isAlias(pair.key);
            return aliasKey ? dist.visit.BREAK : undefined;
        },
    });
    if (aliasKey)
        throw fileError('is not valid YAML for a policy: an alias is used as a key');
    try {
        return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    }
    catch (error) {
        throw fileError(`cannot be used: ${(0,errors/* describe */.q0)(error)}`, error);
    }
}
// The string a key becomes in the parsed object, as yaml makes it: null is "", 0x10 is "16".
function keyText(key) {
    if (!dist.isScalar(key))
        return String(key);
    return key.value === null ? '' : String(key.value);
}
/** An input error about the policy file as a whole (a field's problem names its path instead). */
function fileError(problem, cause) {
    return new errors/* InputError */.dz(`The \`policy\` input names a file that ${problem}.`, { cause });
}


/***/ })

};
