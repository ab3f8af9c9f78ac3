"""Spiders: the one generic `site` spider; per-site knowledge lives in sources/<name>/profile.yaml."""
