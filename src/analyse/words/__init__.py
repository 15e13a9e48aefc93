"""The one catalogue of words: labels, sentences and number formats in Danish and English."""
