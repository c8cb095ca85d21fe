import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import {
  XmlBufferInputProvider,
  XmlDocument,
  XsdValidator,
  xmlCleanupInputProvider,
  xmlRegisterInputProvider,
} from 'libxml2-wasm';
import type { XmlAttribute, XmlElement } from 'libxml2-wasm';
import { qname } from '@organism/shared';
import type { Problem, QName } from '@organism/shared';
import { isInsideFolder } from '../fs/is-inside-folder.ts';
import { PayloadXPath } from './payload-xpath.ts';
import type { PayloadXPathOutcome } from './payload-xpath.ts';
import { validateBounded } from './bounded-validate.ts';
import { problemsFromXmlError } from './xml-problems.ts';
import { parseUntrusted } from './hardened-parser.ts';
import { whyUnreadable } from '../fs/why-unreadable.ts';

const XS = { xs: 'http://www.w3.org/2001/XMLSchema' };
const MAX_SCHEMA_BYTES = 8 * 1024 * 1024;

/** A compiled XSD, kept for the life of the registry that made it. */
export interface CompiledSchema {
  readonly file: string;
  readonly targetNamespace: string;
  /** Global element declarations of the schema and the files it includes, in Clark notation. */
  readonly globalElements: readonly QName[];
  /** Every file the schema was compiled from: itself first, then what it includes and imports. */
  readonly files: readonly string[];
  /** Those files' bytes as compiled: another registry can compile the same schema from them (a worker). */
  readonly sources: ReadonlyMap<string, Uint8Array>;
  /** Validates one element (a payload) against the schema; an empty list means valid. */
  validate(element: XmlElement): Problem[];
}

export type CompileOutcome = { ok: true; schema: CompiledSchema } | { ok: false; problems: Problem[] };

interface SchemaFile {
  path: string;
  bytes: Uint8Array;
  targetNamespace: string;
  elements: string[];
  includes: string[];
}

/**
 * Compiles each XSD once and hands out the compiled validator. `xs:include` / `xs:import` are resolved
 * relative to the including file and may only reach files under `root` once symlinks are resolved
 * ({@link isInsideFolder}); a missing one is an error (libxml2 would only warn and compile without it).
 * Nothing is read through libxml2's own I/O: the files are read here and lent to it from memory for
 * the duration of one compile. It also compiles the listeners' payload filters, which live as long.
 */
export class XsdRegistry {
  private readonly compiled = new Map<string, { schema: CompiledSchema; validator: XsdValidator }>();
  private readonly filters: PayloadXPath[] = [];

  /**
   * `overlay` holds files (absolute path → bytes) read in place of the disk: an uploaded XSD is compiled
   * before it is written.
   */
  constructor(
    private readonly root: string,
    private readonly overlay: ReadonlyMap<string, Uint8Array> = new Map(),
  ) {}

  compile(file: string): CompileOutcome {
    const path = resolve(file);
    const cached = this.compiled.get(path);
    if (cached) return { ok: true, schema: cached.schema };

    const files = new Map<string, SchemaFile>();
    const problems: Problem[] = [];
    this.collect(path, undefined, files, problems);
    const main = files.get(path);
    if (problems.length > 0 || !main) return { ok: false, problems };

    const provider = new XmlBufferInputProvider(
      Object.fromEntries([...files.values()].map((f) => [f.path, f.bytes])),
    );
    xmlRegisterInputProvider(provider);
    let validator: XsdValidator;
    try {
      const doc = XmlDocument.fromBuffer(main.bytes, { url: path });
      try {
        validator = XsdValidator.fromDoc(doc);
      } finally {
        doc.dispose();
      }
    } catch (err) {
      return { ok: false, problems: problemsFromXmlError(err).map((p) => ({ ...p, file: p.file ?? path })) };
    } finally {
      xmlCleanupInputProvider();
    }

    const globalElements = this.globalElements(main, files);
    const schema: CompiledSchema = {
      file: path,
      targetNamespace: main.targetNamespace,
      globalElements,
      files: [...files.keys()],
      sources: new Map([...files.values()].map((f) => [f.path, f.bytes])),
      validate: (element) => {
        try {
          return validateBounded(validator, element);
        } catch (err) {
          return problemsFromXmlError(err);
        }
      },
    };
    this.compiled.set(path, { schema, validator });
    return { ok: true, schema };
  }

  /** A listener's `filter`, compiled and tried once (payload-xpath.ts); freed with the schemas. */
  compileFilter(expression: string): PayloadXPathOutcome {
    const outcome = PayloadXPath.compile(expression);
    if (outcome.ok) this.filters.push(outcome.xpath);
    return outcome;
  }

  /** Frees every compiled validator and filter. Those handed out before must not be used afterwards. */
  dispose(): void {
    for (const { validator } of this.compiled.values()) validator.dispose();
    this.compiled.clear();
    for (const filter of this.filters.splice(0)) filter.dispose();
  }

  private collect(
    path: string,
    from: { file: string; line: number } | undefined,
    files: Map<string, SchemaFile>,
    problems: Problem[],
  ): void {
    if (files.has(path)) return;
    const where = from ? { file: from.file, line: from.line } : { file: path };
    if (!isInsideFolder(this.root, path)) {
      problems.push({ ...where, message: `schema ${path} is outside the organism folder ${this.root}` });
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = this.overlay.get(path) ?? readFileSync(path);
    } catch (err) {
      problems.push({ ...where, message: `${whyUnreadable(err)}: ${relative(this.root, path)}` });
      return;
    }
    const parsed = parseUntrusted(bytes, { maxBytes: MAX_SCHEMA_BYTES });
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((p) => ({ ...p, file: path })));
      return;
    }
    const doc = parsed.doc;
    try {
      const root = doc.root;
      if (root.name !== 'schema' || root.namespaceUri !== XS.xs) {
        problems.push({
          file: path,
          line: root.line,
          message: 'not an XML Schema: the root must be xs:schema',
        });
        return;
      }
      const entry: SchemaFile = {
        path,
        bytes,
        targetNamespace: root.attr('targetNamespace')?.value ?? '',
        elements: doc.find('/xs:schema/xs:element/@name', XS).map((a) => (a as XmlAttribute).value),
        includes: [],
      };
      files.set(path, entry);
      for (const ref of doc.find(
        '/xs:schema/xs:include | /xs:schema/xs:import | /xs:schema/xs:redefine',
        XS,
      )) {
        const el = ref as XmlElement;
        const location = el.attr('schemaLocation')?.value;
        if (!location) {
          if (el.name !== 'import')
            problems.push({ file: path, line: el.line, message: `xs:${el.name} without schemaLocation` });
          else
            problems.push({
              file: path,
              line: el.line,
              message: 'xs:import without schemaLocation cannot be resolved',
            });
          continue;
        }
        if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('file:')) {
          problems.push({
            file: path,
            line: el.line,
            message: `remote schemaLocation is not allowed: ${location}`,
          });
          continue;
        }
        const target = resolve(dirname(path), location.replace(/^file:\/\//, ''));
        if (el.name !== 'import') entry.includes.push(target);
        this.collect(target, { file: path, line: el.line }, files, problems);
      }
    } finally {
      doc.dispose();
    }
  }

  private globalElements(main: SchemaFile, files: Map<string, SchemaFile>): QName[] {
    const seen = new Set<string>();
    const names: QName[] = [];
    const visit = (file: SchemaFile): void => {
      if (seen.has(file.path)) return;
      seen.add(file.path);
      // Included files take the including schema's namespace (chameleon include) or already share it.
      for (const name of file.elements) names.push(qname(main.targetNamespace, name));
      for (const inc of file.includes) {
        const f = files.get(inc);
        if (f) visit(f);
      }
    };
    visit(main);
    return names;
  }
}
