"""The batch: one report per botilbud and an overview, exported, checked and audited."""
