"""Hand-set CTranslate2 Transformers whose output and alignment are known exactly.

Every variant works the same way; only the decoder's position table changes:
- The hidden state is cut into sub-spaces. Encoder: token vector, an "is eos" flag, the position
  vector of j and the one of j + 1. Decoder: the position vector of step t and a second one, of
  the source position head 0 must look at (t, t + 1 or the pair swap), then the copies brought by
  the heads.
- The last decoder layer's cross-attention does everything: head 0 ("P", the alignment head that
  `return_attention` reports) attends the second position, head 1 ("Q") attends position t. Each
  brings its position's token vector and eos flag. The output projection reads P's and Q's token
  (weights `_CONTENT`) and Q's eos flag, so no FFN gating is needed: eos wins only when Q reads
  eos, and </s> has no token vector, so when P reads eos Q's token wins.
- Position vectors come from a harmonic frame (a Singer difference set), so any two positions
  have |cosine| <= 0.174 instead of ~0.5 for random 64-dim vectors: argmaxes are decided by design,
  not by luck. Head 0's keys also carry c * (vector of j + 1): a query that lands on eos (whose
  column CTranslate2 drops from the returned attention) has its runner-up at eos - 1, so the
  reported alignment of the last token is known too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

VARIANTS = ("copy", "drop", "shift", "reorder")
# (weight of P's token, weight of Q's token) in the output logits. Reorder: P's token wins unless
# it is eos (no token vector), then Q's; 0.25 keeps Q's pull below P's for any two tokens.
_CONTENT = {"copy": (0.0, 1.0), "drop": (0.0, 1.0), "shift": (0.0, 1.0), "reorder": (1.0, 0.25)}
_Q = 31  # Singer difference set over GF(31): 993 positions in 64 dimensions
_RUNNER_UP = 0.65  # c: head 0's weaker copy of the next position
_SCORE = 120.0  # attention logit of a matching position
_LOGIT = 48.0  # output logit of the intended token


@dataclass(frozen=True)
class ModelSize:
    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int | None  # pad the vocabulary to this size (realistic output projection)
    quantization: str
    noise: float  # distinct tiny weights per layer, so CTranslate2 cannot share identical layers


SIZES = {
    "tiny": ModelSize(1, 256, 4, 64, None, "float32", 0.0),
    "base": ModelSize(6, 512, 8, 2048, 32000, "int8", 1e-4),
}


# -- the known right answer ---------------------------------------------------------------------
def emission_order(length: int, variant: str) -> list[int]:
    """The source index whose token each target step emits."""
    if variant != "reorder":
        return list(range(length))
    return [t ^ 1 if t ^ 1 < length else t for t in range(length)]


def alignment_order(length: int, variant: str) -> list[int]:
    """Argmax of head 0's reported attention (eos column dropped) at each target step."""
    if variant == "shift":
        return [min(t + 1, length - 1) for t in range(length)]
    return emission_order(length, variant)


def expected_translation(
    source_pieces: list[str], variant: str = "copy", vocabulary=None, replace_unknowns: bool = True,
) -> tuple[list[str], list[int]]:
    """(target pieces, aligned source index per step) that `variant` must return.

    A piece not in `vocabulary` (or "<unk>") is unknown: "drop" emits "▁" for it; the others emit
    <unk>, which CTranslate2's replace_unknowns turns into the source piece at the aligned index.
    """
    if variant not in VARIANTS:
        raise ValueError(variant)
    length = len(source_pieces)
    alignment = alignment_order(length, variant)

    def unknown(piece: str) -> bool:
        return piece == "<unk>" or (vocabulary is not None and piece not in vocabulary)

    targets = []
    for step, index in enumerate(emission_order(length, variant)):
        piece = source_pieces[index]
        if unknown(piece):
            if variant == "drop":
                piece = "▁"
            else:
                piece = source_pieces[alignment[step]] if replace_unknowns else "<unk>"
        targets.append(piece)
    return targets, alignment


# -- building blocks ----------------------------------------------------------------------------
def singer_difference_set(q: int = _Q) -> list[int]:
    """D in Z/(q^2+q+1) where every non-zero difference occurs once (GF(q^3) points with x^2 = 0)."""
    n = q * q + q + 1
    for f0 in range(1, q):
        for f1 in range(q):
            if any((x ** 3 + f1 * x + f0) % q == 0 for x in range(q)):
                continue  # a cubic with a root is reducible
            power, members = [1, 0, 0], []
            for i in range(n):
                if power[2] == 0:
                    members.append(i)
                # multiply by x modulo x^3 + f1 x + f0
                top = power[2]
                power = [(-top * f0) % q, (power[0] - top * f1) % q, power[1]]
            diffs = sorted((a - b) % n for a in members for b in members if a != b)
            if diffs == list(range(1, n)):
                return members
    raise RuntimeError(f"no Singer difference set found for q={q}")


def zero_mean_basis(dim: int) -> np.ndarray:
    """dim x (dim + 1), orthonormal rows that sum to zero: LayerNorm's mean step leaves them alone."""
    full = np.linalg.qr(np.vstack([np.ones(dim + 1), np.eye(dim + 1)[:dim]]).T)[0]
    return full[:, 1:].T.astype(np.float32)


def position_frame(count: int) -> np.ndarray:
    """count x 64 unit vectors, cyclic with period 993, |cos| <= sqrt(31)/32 between any two."""
    members = np.array(singer_difference_set(), np.float64)
    angles = 2 * np.pi * np.outer(np.arange(count) % (_Q * _Q + _Q + 1), members) / (_Q * _Q + _Q + 1)
    return (np.hstack([np.cos(angles), np.sin(angles)]) / np.sqrt(len(members))).astype(np.float32)


def unit_vectors(rng: np.random.Generator, count: int, dim: int) -> np.ndarray:
    vectors = rng.standard_normal((count, dim)).astype(np.float32)
    vectors -= vectors.mean(axis=1, keepdims=True)  # zero mean: LayerNorm only rescales them
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def decoder_targets(variant: str, steps: int) -> np.ndarray:
    """The source position head 0 looks at, per decoder step."""
    t = np.arange(steps)
    return {"copy": t, "drop": t, "shift": t + 1, "reorder": t ^ 1}[variant]


class Layout:
    """Where each quantity lives in the encoder's and the decoder's hidden state."""

    def __init__(self, size: ModelSize):
        self.d, self.head_dim = size.d_model, size.d_model // size.heads
        frame = 64 + 1  # a 64-dim frame vector, zero-mean embedded
        self.token_dim = min(self.head_dim - 2, (self.d - 2 * frame - 4) // 2)
        if self.token_dim < 32 or size.heads < 2:
            raise ValueError(f"{size} is too small for the hand-set attention")
        t = self.token_dim
        self.enc_tok, self.enc_flag = slice(0, t), slice(t, t + 2)
        self.enc_pos, self.enc_next = slice(t + 2, t + 2 + frame), slice(t + 2 + frame, t + 2 + 2 * frame)
        self.dec_pos, self.dec_alt = slice(0, frame), slice(frame, 2 * frame)
        base = 2 * frame
        self.dec_p, self.dec_p_flag = slice(base, base + t), slice(base + t, base + t + 2)
        q = base + t + 2
        self.dec_q, self.dec_q_flag = slice(q, q + t), slice(q + t, q + t + 2)
        # LayerNorm scales: encoder rows have norm 2 (token+flag, pos, next), decoder inputs sqrt(2).
        self.enc_scale = np.sqrt(self.d) / 2.0
        self.dec_scale = np.sqrt(self.d / 2.0)
        residual = np.sqrt(2.0 + 4.0 * self.enc_scale ** 2)  # + P and Q copies, each of norm sqrt(2)
        self.final_scale = np.sqrt(self.d) / residual

    def head(self, index: int) -> np.ndarray:
        return index * self.head_dim + np.arange(self.head_dim)


_FLAG = np.array([1.0, -1.0], np.float32) / np.sqrt(2.0)  # zero-mean "is eos" direction


# -- the model ----------------------------------------------------------------------------------
def _embeddings(layout: Layout, tokens: list[str], token_vectors: np.ndarray, variant: str) -> np.ndarray:
    """Source embeddings: token vector and flag -1; </s>: flag +sqrt(2) only (same norm)."""
    rows = np.zeros((len(tokens), layout.d), np.float32)
    rows[:, layout.enc_tok] = token_vectors
    rows[:, layout.enc_flag] = -_FLAG
    eos = tokens.index("</s>")
    rows[eos] = 0.0
    rows[eos, layout.enc_flag] = np.sqrt(2.0) * _FLAG
    if variant == "drop":  # a real model drops what it cannot read: <unk> reads as "▁"
        rows[tokens.index("<unk>")] = rows[tokens.index("▁")]
    return rows


def _position_tables(layout: Layout, variant: str, max_positions: int) -> tuple[np.ndarray, np.ndarray]:
    basis = zero_mean_basis(64)
    frame = position_frame(max_positions + 2) @ basis
    encoder = np.zeros((max_positions, layout.d), np.float32)
    encoder[:, layout.enc_pos] = frame[:max_positions]
    encoder[:, layout.enc_next] = frame[1:max_positions + 1]
    decoder = np.zeros((max_positions, layout.d), np.float32)
    decoder[:, layout.dec_pos] = frame[:max_positions]
    decoder[:, layout.dec_alt] = frame[decoder_targets(variant, max_positions)]
    return encoder, decoder


def _cross_attention(layout: Layout, heads: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Head 0 (P): query = alternative position, key = j + c * (j + 1). Head 1 (Q): t against j."""
    d, basis = layout.d, zero_mean_basis(64)
    query, key_value, output = (np.zeros(shape, np.float32) for shape in ((d, d), (2 * d, d), (d, d)))
    gain = _SCORE * np.sqrt(layout.head_dim) / (layout.dec_scale * layout.enc_scale)
    p, q = layout.head(0), layout.head(1)
    query[np.ix_(p, range(layout.dec_alt.start, layout.dec_alt.stop))] = gain * basis
    query[np.ix_(q, range(layout.dec_pos.start, layout.dec_pos.stop))] = gain * basis
    key_value[np.ix_(p, range(layout.enc_pos.start, layout.enc_pos.stop))] = basis
    key_value[np.ix_(p, range(layout.enc_next.start, layout.enc_next.stop))] = _RUNNER_UP * basis
    key_value[np.ix_(q, range(layout.enc_pos.start, layout.enc_pos.stop))] = basis
    carried = np.arange(layout.enc_tok.start, layout.enc_flag.stop)  # token vector, then flag
    slots = np.arange(len(carried))
    for head, tok, flag in ((0, layout.dec_p, layout.dec_p_flag), (1, layout.dec_q, layout.dec_q_flag)):
        value_rows = d + layout.head(head)[slots]
        key_value[value_rows, carried] = 1.0
        targets = np.r_[np.arange(tok.start, tok.stop), np.arange(flag.start, flag.stop)]
        output[targets, layout.head(head)[slots]] = 1.0
    return query, key_value, output


def _projection(layout: Layout, tokens: list[str], token_vectors: np.ndarray, variant: str) -> np.ndarray:
    weight_p, weight_q = _CONTENT[variant]
    gain = _LOGIT / (layout.final_scale * layout.enc_scale)
    rows = np.zeros((len(tokens), layout.d), np.float32)
    rows[:, layout.dec_p] = weight_p * gain * token_vectors
    rows[:, layout.dec_q] = weight_q * gain * token_vectors
    eos = tokens.index("</s>")
    rows[eos] = 0.0
    rows[eos, layout.dec_q_flag] = gain * _FLAG  # +sqrt(2)*48 when Q reads eos, -48 otherwise
    return rows


def _fill_layers(spec, size: ModelSize, filler) -> None:
    d = size.d_model

    def norm(layer_norm) -> None:
        layer_norm.gamma = np.ones(d, np.float32)
        layer_norm.beta = np.zeros(d, np.float32)

    def dense(linear, rows: int, cols: int) -> None:
        linear.weight = filler(rows, cols)
        linear.bias = np.zeros(rows, np.float32)

    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        norm(stack.layer_norm)
    for layer in list(spec.encoder.layer) + list(spec.decoder.layer):
        norm(layer.self_attention.layer_norm)
        norm(layer.ffn.layer_norm)
        dense(layer.self_attention.linear[0], 3 * d, d)
        dense(layer.self_attention.linear[1], d, d)
        dense(layer.ffn.linear_0, size.ffn, d)
        dense(layer.ffn.linear_1, d, size.ffn)
    for layer in spec.decoder.layer:
        norm(layer.attention.layer_norm)
        for linear, rows in zip(layer.attention.linear, (d, 2 * d, d)):
            dense(linear, rows, d)


def build_copy_model(
    out_dir: Path, tokens: list[str], size: ModelSize, variant: str = "copy", max_positions: int = 1024,
) -> None:
    """A CTranslate2 model whose output and head-0 attention are `expected_translation`'s."""
    from ctranslate2.specs import transformer_spec

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; use one of {VARIANTS}")
    rng = np.random.default_rng(11)

    def filler(*shape: int) -> np.ndarray:
        if size.noise:
            return (rng.standard_normal(shape) * size.noise).astype(np.float32)
        return np.zeros(shape, np.float32)

    layout = Layout(size)
    token_vectors = unit_vectors(rng, len(tokens), layout.token_dim)
    spec = transformer_spec.TransformerSpec.from_config(size.layers, size.heads)
    spec.config.add_source_eos = True
    _fill_layers(spec, size, filler)
    encoder_positions, decoder_positions = _position_tables(layout, variant, max_positions)
    spec.encoder.position_encodings.encodings = encoder_positions
    spec.decoder.position_encodings.encodings = decoder_positions
    spec.encoder.embeddings[0].weight = _embeddings(layout, tokens, token_vectors, variant)
    spec.decoder.embeddings.weight = filler(len(tokens), size.d_model)  # the model ignores its input
    last = spec.decoder.layer[-1].attention.linear
    for linear, weight in zip(last, _cross_attention(layout, size.heads)):
        linear.weight = weight
    spec.decoder.projection.weight = _projection(layout, tokens, token_vectors, variant)
    spec.decoder.projection.bias = np.zeros(len(tokens), np.float32)

    spec.register_source_vocabulary(tokens)
    spec.register_target_vocabulary(tokens)
    spec.validate()
    spec.optimize(quantization=size.quantization)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))
