"""Recording -> frames -> file: the render options (``options``), the frame loop (``frames``),
the panels, the writers and ``animation.render``, which joins them."""
