"""Checking: rules compiled into signatures and indexes (``index``), an activity's words
resolved to ids (``terms``), and the default logic over typed facts (``checker``)."""
