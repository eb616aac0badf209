"""Stage 2: talking to an LLM on Groq through the official SDK: the prompt, the pacing within
the account's limits, and checking every answer before it is trusted.

``prompt`` builds requests, ``client`` sends them live, ``pacing`` keeps them within the token
bucket and the waits Groq asks for, ``batch`` is the Batch API, ``answers`` checks what comes back
and ``cost`` prices it.
"""
