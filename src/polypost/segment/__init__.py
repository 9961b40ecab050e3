"""The text layer: HTML blocks cut into segments with inline markup as placeholders (`document.py`,
`placeholders.py`), engines' answers read back (`decode.py`), text never translated (`protected.py`),
sentences (`sentences.py`). Plain values in and out."""
