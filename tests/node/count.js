// Prints, for each JSON string on stdin (one a line), twitter-text's weighted length.
const twitterText = require('twitter-text');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
process.stdout.write(JSON.stringify(lines.map((line) => twitterText.parseTweet(JSON.parse(line)).weightedLength)));
