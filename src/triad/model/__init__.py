"""One month of three states, for N worlds at once."""
