"""Many worlds, many scenarios: backtests and (later) ensembles, sweeps and calibration."""
