"""The bound catalogue, one module per family; ``theory.registry`` collects them."""
