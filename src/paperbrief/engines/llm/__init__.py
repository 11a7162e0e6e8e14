"""The LLM engine: takeaways, comparisons and embeddings from an OpenAI-compatible server
(`engine.LLMEngine`), the Batch API client, prompts, replies and their repair, retries.
The only package that imports `openai`. It may import the shared top-level modules and
`paperbrief.engines` (the Engine protocol); never relate, digest, deliver, store or run.
"""
