"""Result folders: written whole or not at all, read back verified, listed, streamed, resumed.

A run's folder (:mod:`~triad.store.run_folder`), a large run streamed to disk chunk by chunk
and resumed after an interruption (:mod:`~triad.store.streaming`), its partitioned reader
(:mod:`~triad.store.dataset`), the typed manifest, its provenance and seals
(:mod:`~triad.store.manifest`, :mod:`~triad.store.provenance`, :mod:`~triad.store.integrity`),
locks, drawn inputs and the atomic folder every report uses (:mod:`~triad.store.folders`).
"""
