// Prints, for each JSON string on stdin (one a line), twitter-text's weighted length and the
// UTF-16 length a JavaScript client sees after NFC: [[weighted, utf16], ...].
const twitterText = require('twitter-text');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
process.stdout.write(JSON.stringify(lines.map((line) => {
  const text = JSON.parse(line);
  return [twitterText.parseTweet(text).weightedLength, text.normalize('NFC').length];
})));
