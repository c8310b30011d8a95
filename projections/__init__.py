"""Read models, the folds that build them, their persistent views, and the audit queries over them."""
