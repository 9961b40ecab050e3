"""The share kit (the stage is `polypost.share.stage`): a ready-to-post text per network for each published post, in both languages.

Every text is built from the post's (translated) title and description, its tags as
hashtags, and the page's URL with UTM parameters, and is fitted to what the network
allows, counted the way the network counts:

- X: twitter-text v3 weighting (twitter-text ported, see `twitter_text`): code points in a few
  ranges (most Latin, accented letters included) weigh 1, everything else (CJK, most
  symbols, the ellipsis "…") 2; an emoji sequence (ZWJ families, skin tones, flags,
  keycaps) is one emoji and weighs 2; any link twitter-text finds (bare "bit.ly" too) weighs 23
  (t.co); text is NFC-normalised first.
- The others (LinkedIn, Facebook, WhatsApp, Telegram) count UTF-16 code units, as their
  JavaScript clients do: an emoji counts 2 or more, so a fit here is a fit there.

Texts are shortened only at word boundaries, with an ellipsis where cut. Hashtags keep
accents ("diseño" -> #diseño): X, LinkedIn, Facebook and Telegram all link Unicode hashtags.
"""

from __future__ import annotations

from polypost.share.counting import (  # noqa: F401
    COUNTERS,
    X_EMOJI_WEIGHT,
    X_LIGHT_RANGES,
    X_LIMIT,
    X_URL_LENGTH,
    utf16_length,
    x_length,
)
from polypost.share.formats import (  # noqa: F401
    CSV_COLUMNS,
    FORMATS,
    render_kits,
)
from polypost.share.texts import (  # noqa: F401
    DEFAULT_NETWORKS,
    ELLIPSIS,
    NETWORKS,
    UTM_KEYS,
    Network,
    Parts,
    ShareKit,
    SharePost,
    ShareVersion,
    campaign_for,
    compose,
    hashtag,
    hashtags,
    share_version,
    shorten,
    with_utm,
)
