"""The language layer: normalisation, and (as it grows) sentences, clauses, conditions,
imperatives, actors, waits, placeholders and shell words, shared by every stage and the runtime.

Nothing here imports a compile stage, so the runtime guard and the transcript audit may use it.
"""
