"""Local fakes of the services tformance talks to, for tests, the offline ``--demo`` and benchmarks.

It ships with the product because ``--demo`` runs on it; the engine (``tformance.core``) never
imports it. A map, by job:

The demo data
    ``demo_model``      the records served: ``DemoOrg``, repositories, PRs, reviews, commits, ids
    ``demo_content``    the cast and vocabulary: people, bots, repositories, titles, AI signatures
    ``demo_generator``  how one PR comes to life, from one seeded ``random.Random`` and ``today``
    ``demo_draft``      the PR being generated, and the random shapes of its times and sizes
    ``demo_org``        the datasets: ``build_demo_org``, ``build_large_org``, ``build_empty_org``

The fake GitHub (GraphQL)
    ``github_fake``     ``FakeGitHub``: state, data changes in tests, the route of a request
    ``github_graph``    the resolvers: viewer, repository, node, search, rateLimit
    ``github_faults``   ``Fault`` injection, the hourly point budget, the answer's headers
    ``github_limits``   the secondary rate limits (concurrency, points a minute, server time)
    ``github_cursors``  keyset cursors and connections; ``github_search``: the search syntax
    ``graphql_parse``, ``graphql_execute``  a small GraphQL parser, validator and executor
    ``github_server``   ``FakeGitHub`` over a real socket (thread or ``python -m`` process)

The fake Groq (OpenAI-compatible)
    ``groq_fake``       ``FakeGroq``: state, the route of a request, chat completions; ``build_demo_llm``
    ``groq_answers``    the deterministic "model": ``judge`` and ``summarise`` each PR alone
    ``groq_faults``     ``GroqFault`` injection, the token bucket and daily quotas
    ``groq_batches``    the Batch API (files and batches)
    ``groq_wire``       Groq's JSON and error shapes, durations, multipart, the recorded call

Shared
    ``http_serving``    serving a fake in-process to httpx or over a socket
    ``dead_endpoints``  endpoints that hang, answer HTML, or refuse connections
    ``demo``            the ``--demo`` wiring: the fakes above as ``Services``
"""
