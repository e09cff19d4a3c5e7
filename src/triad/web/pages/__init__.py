"""The web app's pages: each lays out controls and calls triad's library, nothing more."""
