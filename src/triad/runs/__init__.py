"""Many worlds: run options, the chunk plan, executors (local, processes, Dask) and ensembles.

A scenario becomes a :class:`~triad.runs.simulation.Simulation` here: in memory
(:func:`~triad.runs.simulation.simulate`, :func:`~triad.runs.ensemble.run_ensemble`), cut
into chunks of worlds that run one after another or side by side on an executor, with the
same numbers whatever the chunking and the executor. Storing a run is :mod:`triad.store`'s.
"""
