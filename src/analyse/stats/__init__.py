"""Pure analysis functions: tidy DataFrame in, tidy DataFrame out; no privacy, no words."""
