"""HTTP routes, one module per resource or channel. They translate; the domain decides."""
