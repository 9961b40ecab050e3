"""polypost: turn an English blog archive into a bilingual English/Spanish one, offline."""

from polypost.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]
