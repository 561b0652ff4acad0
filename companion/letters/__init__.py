"""Letters: writing instead of shouting, with a checker that offers I-statements."""
