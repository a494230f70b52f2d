"""Notice packages: choosing items, the notice document, the letter, signing, verifying."""
