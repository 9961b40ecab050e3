"""Review: the stage (`stage.py`: the review list, export, import checks into the memory), review
units and their ids (`units.py`), the exchange files (`files.py`, `xliff.py`, `po.py`), the import
checks (`importing.py`) and the human-readable list (`formatting.py`)."""
