// Makes compressed.json: GS1 Digital Link URIs compressed by GS1's own
// algorithm, as shipped in the digital-link.js package (its
// lib/GS1DigitalLinkCompressionPrototype). Run in a folder where
// `npm install digital-link.js` was run:  node compress.js > compressed.json
const { Utils } = require('digital-link.js');
const base = 'https://trace.example.cn';
const paths = [
  '/01/06920000123452',                                  // GTIN only
  '/01/00000000123457',                                  // leading zeros
  '/01/06920000123452/10/YY-P25-000123',                 // lot
  '/01/06920000123452/10/yy-p25-000123',                 // lot in lower case
  '/01/06920000123452/10/123456',                        // all-numeric lot
  '/01/06920000123452/10/ABCDEF',                        // upper-case hex lot
  '/01/06920000123452/10/YY-P25-000123/21/00000042ABCD', // lot and our serial
  '/01/06920000123452/10/YY-P25-000123/21/00012345K7QZ',
  '/01/06920000123452/21/00000042ABCD',                  // serial without lot
  '/01/06920000123452/21/12345678',                      // all-numeric serial
  '/01/06920000123452/21/abc-123',                       // non-numeric serials
  '/01/06920000123452/21/x.y_z',
  '/01/06920000123452/21/A%2FB%25C',                     // percent-encoded characters
  '/01/06920000123452/10/L1/21/deadbeef',                // lower-case hex serial
];
const fixtures = [];
for (const path of paths) {
  for (const optimisations of [true, false]) {
    fixtures.push({
      uncompressed: base + path,
      optimisations,
      compressed: Utils.compressWebUri(base + path, optimisations, false),
      decompressed: Utils.decompressWebUri(Utils.compressWebUri(base + path, optimisations, false)),
    });
  }
}
console.log(JSON.stringify({
  made_by: 'tests/data/digital_link/compress.js with digital-link.js ' + require('digital-link.js/package.json').version,
  fixtures,
}, null, 1));
