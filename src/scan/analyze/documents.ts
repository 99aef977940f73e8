// Office Open XML (.docx, .xlsx, .pptx), OpenDocument and EPUB files are zip containers of XML: an
// ordinary sample or template in a document-processing skill, not an archive someone unpacks and
// runs. Told apart by the extension AND the container's first entry, which every writer of these
// formats puts first; a zip merely renamed to .docx has no such entry. Macro-enabled variants
// (.docm, .xlsm, .pptm) are not documents here: they carry code.

const OOXML = /\.(?:docx|dotx|xlsx|xltx|pptx|potx|ppsx|vsdx)$/i;
const ODF = /\.(?:odt|ods|odp|odg|ott|ots|otp|epub)$/i;
const OOXML_FIRST =
  /^(?:\[Content_Types\]\.xml|_rels\/\.rels|docProps\/[\w.]+|(?:word|xl|ppt|visio)\/[\w./-]+\.xml)$/;
const ODF_MIME = /^application\/(?:vnd\.oasis\.opendocument\.[\w.-]+|epub\+zip)$/;

/** The kind of document a zip file is, or undefined when it is not one of these (or is encrypted). */
export function zipDocumentKind(path: string, raw: Uint8Array): string | undefined {
  if (raw.length < 30 || raw[0] !== 0x50 || raw[1] !== 0x4b || raw[2] !== 3 || raw[3] !== 4) return undefined;
  if (((raw[6] ?? 0) & 1) === 1) return undefined;
  const nameLen = (raw[26] ?? 0) | ((raw[27] ?? 0) << 8);
  const extraLen = (raw[28] ?? 0) | ((raw[29] ?? 0) << 8);
  if (nameLen === 0 || nameLen > 200 || 30 + nameLen > raw.length) return undefined;
  const name = Buffer.from(raw.subarray(30, 30 + nameLen)).toString("latin1");
  if (OOXML.test(path)) return OOXML_FIRST.test(name) ? "an Office document" : undefined;
  if (ODF.test(path) && name === "mimetype") {
    // The mimetype entry is stored uncompressed (method 0), so its text follows the header as is.
    const method = (raw[8] ?? 0) | ((raw[9] ?? 0) << 8);
    const size = (raw[18] ?? 0) | ((raw[19] ?? 0) << 8);
    const at = 30 + nameLen + extraLen;
    if (method !== 0 || size > 100 || at + size > raw.length) return undefined;
    const mime = Buffer.from(raw.subarray(at, at + size)).toString("latin1");
    return ODF_MIME.test(mime) ? "an OpenDocument or EPUB document" : undefined;
  }
  return undefined;
}
