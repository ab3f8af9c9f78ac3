"""Scrapy commands of the project (scrapy.cfg's settings name this package as COMMANDS_MODULE)."""
