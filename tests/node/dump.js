// Prints the regular expressions and the v3 config that twitter-text's parseTweet uses, as JSON.
const regexp = (name) => require('twitter-text/dist/regexp/' + name);
const emoji = require('twemoji-parser/dist/lib/regex').default;
const out = { config: require('twitter-text').configs.defaults, emoji: { source: emoji.source, flags: emoji.flags } };
for (const name of ['extractUrl', 'invalidUrlWithoutProtocolPrecedingChars', 'validAsciiDomain', 'validTcoUrl']) {
  out[name] = { source: regexp(name).source, flags: regexp(name).flags };
}
out.versions = { 'twitter-text': require('twitter-text/package.json').version,
                 'twemoji-parser': require('twemoji-parser/package.json').version };
process.stdout.write(JSON.stringify(out));
