"""Dialogues, workshops, sessions, people, organizations; agenda pages, exports and imports."""
