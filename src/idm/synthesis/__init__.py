"""Pure Python, no Django: abbreviations, statement themes, opinion groups. Used by the apps."""
