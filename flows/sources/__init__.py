"""Stage 1, raw files: discover them, read and hash them (bounded), keep the ledger of each file's status."""
