"""Spiders: the one generic `site` spider; per-site knowledge lives in crawlers/sources/<name>/profile.yaml."""
