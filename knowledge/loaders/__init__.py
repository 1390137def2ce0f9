"""Readers for the files of a knowledge pack.

Every loader takes one file (or, for FAQ, all FAQ files, so that ids can be
checked across them) and returns the records it could read together with the
problems it found. Loaders never raise for bad input: staff replace the pack
without a developer, so a broken file must produce a message naming the file
and line, and everything else must still load. ``knowledge.pack`` decides
which loader reads which file.
"""
