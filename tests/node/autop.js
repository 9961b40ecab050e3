// WordPress's own autop (the Gutenberg port of wpautop): a JSON list of texts on stdin -> a JSON list of paragraphs.
const { autop } = require("@wordpress/autop");
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify(JSON.parse(input).map((text) => autop(text))));
});
