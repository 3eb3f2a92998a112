"""The XBlocks: thin layers that read the caller, call one service, and render."""
