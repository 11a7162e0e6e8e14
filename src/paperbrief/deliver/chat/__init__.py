"""Chat delivery of a digest: Slack, Discord, Telegram and a generic webhook.

`compose` turns a Digest into each service's messages within its documented limits, `send` posts
them (retries, 429 waits, one-line errors with credentials redacted), `outbox` records in the
store what was sent, part by part, so a rerun sends nothing and a killed run resumes.

Part of the deliver stage: it may import digest (rendering),
store and the shared top-level modules.
"""
