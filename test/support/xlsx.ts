import zlib from 'node:zlib';

// Hand-made .xlsx workbooks for the import's bounds: write-excel-file cannot write what an attacker would (a cell at
// XFD1048576, a false dimension, a part whose declared size lies).

export interface ZipPart {
  name: string;
  data: Buffer;
  /** The uncompressed size the central directory declares (default: the true one). */
  declaredSize?: number;
}

export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const packed = zlib.deflateRawSync(part.data);
    const crc = zlib.crc32(part.data);
    const size = part.declaredSize ?? part.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    central.push(entry, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const xml = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${s}`, 'utf8');
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const column = (i: number) => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

export interface WorkbookOptions {
  /** `<dimension ref>` of the sheet. */
  dimension?: string;
  /** Raw XML appended inside `<sheetData>` after the rows. */
  extraRows?: string;
  /** A shared string appended to the table (in a cell of its own row after the table), as raw bytes. */
  bigString?: Buffer;
  /** Declared size of the shared-strings part (to lie about it). */
  sharedStringsDeclaredSize?: number;
}

/** A one-sheet workbook of the given rows (strings as shared strings, numbers as numbers). */
export function workbook(rows: (string | number | null)[][], opts: WorkbookOptions = {}): Buffer {
  const strings: string[] = [];
  const sheetRows = rows.map((row, r) => {
    const cells = row.map((v, c) => {
      const ref = `${column(c)}${r + 1}`;
      if (v === null) return '';
      if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
      strings.push(v);
      return `<c r="${ref}" t="s"><v>${strings.length - 1}</v></c>`;
    });
    return `<row r="${r + 1}">${cells.join('')}</row>`;
  });
  let big = '';
  if (opts.bigString) big = `<row r="${rows.length + 1}"><c r="A${rows.length + 1}" t="s"><v>${strings.length}</v></c></row>`;
  const dimension = opts.dimension ? `<dimension ref="${opts.dimension}"/>` : '';
  const sheet = xml(`<worksheet xmlns="${MAIN}">${dimension}<sheetData>${sheetRows.join('')}${big}${opts.extraRows ?? ''}</sheetData></worksheet>`);
  const sst = Buffer.concat([
    xml(`<sst xmlns="${MAIN}">${strings.map((s) => `<si><t>${escape(s)}</t></si>`).join('')}`),
    ...(opts.bigString ? [Buffer.from('<si><t>'), opts.bigString, Buffer.from('</t></si>')] : []),
    Buffer.from('</sst>'),
  ]);
  return zip([
    {
      name: '[Content_Types].xml',
      data: xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
      ),
    },
    { name: '_rels/.rels', data: xml(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', data: xml(`<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="VoR" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: xml(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ),
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
    { name: 'xl/sharedStrings.xml', data: sst, declaredSize: opts.sharedStringsDeclaredSize },
  ]);
}

/** The import format's header and one valid row. */
export const VOR_TABLE: (string | number | null)[][] = [
  ['nr', 'mal', 'process', 'arbetssatt', 'oonskad_handelse', 'sannolikhet', 'konsekvens', 'rv', 'ikp'],
  [1, '3.5 Hög beredskap', 'Informationssäkerhet', 'Behörighetshantering', 'Risk för obehörig åtkomst', 3, 4, 12, 'Ja'],
];
