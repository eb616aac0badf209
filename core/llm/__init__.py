"""Stage 2: talking to an LLM on Groq through the official SDK: the prompt, the pacing within
the account's limits, and checking every answer before it is trusted.
"""
