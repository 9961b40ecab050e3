"""polypost: turn an English blog archive into a bilingual English/Spanish one, offline."""

__version__ = "0.1.0"
