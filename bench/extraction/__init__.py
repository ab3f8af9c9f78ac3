"""Extraction accuracy and speed of bantin, trafilatura and newspaper4k on the labelled pages."""
