"""Speech engines: each turns a line of text into samples behind one small seam."""
