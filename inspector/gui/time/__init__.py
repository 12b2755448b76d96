"""The Time steps tab: every gate, c and h over time with a cursor, bars at the cursor, unit lines, PNGs."""
